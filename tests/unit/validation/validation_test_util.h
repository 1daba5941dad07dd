#pragma once
// Helpers shared by the validation tests: building requests and checking errors.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "validation/request.h"

namespace deliverer::validation::testing {

inline std::unique_ptr<Validator> MakeValidator(ValidatorOptions options = {}) {
  Result<std::unique_ptr<Validator>> v = Validator::Create(options);
  EXPECT_TRUE(v.ok());
  return v.ok() ? std::move(v).value() : nullptr;
}

// Raw JSON members by name; std::nullopt removes a member of the base request.
using Overrides = std::map<std::string, std::optional<std::string>>;

// A valid request (from, to, body) with `overrides` applied. Values are raw JSON text.
inline std::string Request(const Overrides& overrides = {}) {
  std::map<std::string, std::optional<std::string>> members = {
      {"from", R"("+14155550100")"},
      {"to", R"("+442071838750")"},
      {"body", R"("Your code is 123456")"},
  };
  for (const auto& [name, value] : overrides) members[name] = value;
  std::string json = "{";
  for (const auto& [name, value] : members) {
    if (!value) continue;
    if (json.size() > 1) json += ",";
    json += "\"" + name + "\":" + *value;
  }
  return json + "}";
}

// A JSON string literal for ASCII/UTF-8 text without quotes or backslashes.
inline std::string Str(const std::string& s) { return "\"" + s + "\""; }

inline std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

template <class T>
::testing::AssertionResult HasError(const Result<T>& r, const std::string& code,
                                    const std::string& field) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << code;
  if (r.error().code != code || r.error().field != field) {
    return ::testing::AssertionFailure() << "got " << r.error().code << " field '"
                                         << r.error().field << "': " << r.error().detail;
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult HasError(const Status& s, const std::string& code,
                                           const std::string& field) {
  if (s.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << code;
  if (s.error().code != code || s.error().field != field) {
    return ::testing::AssertionFailure() << "got " << s.error().code << " field '"
                                         << s.error().field << "': " << s.error().detail;
  }
  return ::testing::AssertionSuccess();
}

template <class T>
::testing::AssertionResult Succeeds(const Result<T>& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << r.error().code << " field '" << r.error().field << "': " << r.error().detail;
}

inline ::testing::AssertionResult Succeeds(const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << s.error().code << " field '" << s.error().field << "': " << s.error().detail;
}

}  // namespace deliverer::validation::testing
