// What tests/support/services.h does without a started server: it fails the test with a
// message that says what to do, and never lets it pass or skip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include "support/services.h"
#include "support/test_dir.h"

namespace deliverer::test_support {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Sets (or, with nullopt, removes) DELIVERER_TEST_SERVICES_DIR for one test.
class ServicesDirVariable {
 public:
  explicit ServicesDirVariable(const std::optional<std::string>& value) {
    if (const char* old = std::getenv(kName)) old_ = old;
    if (value) {
      ::setenv(kName, value->c_str(), 1);
    } else {
      ::unsetenv(kName);
    }
  }
  ~ServicesDirVariable() {
    if (old_) {
      ::setenv(kName, old_->c_str(), 1);
    } else {
      ::unsetenv(kName);
    }
  }

 private:
  static constexpr const char* kName = "DELIVERER_TEST_SERVICES_DIR";
  std::optional<std::string> old_;
};

void WriteLine(const std::filesystem::path& path, const std::string& line) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << line << "\n";
}

TEST(ServicesMissing, WithoutTheVariableTheTestFailsAndSaysHowToRunIt) {
  ServicesDirVariable unset(std::nullopt);
  EXPECT_THAT([] { ServiceUrl("postgres"); },
              ThrowsMessage<std::runtime_error>(HasSubstr("DELIVERER_TEST_SERVICES_DIR is not set")));
  EXPECT_THAT([] { KillService("redis"); },
              ThrowsMessage<std::runtime_error>(HasSubstr("scripts/test-services start")));
}

TEST(ServicesMissing, AServiceNotStartedFailsTheTestAndNamesIt) {
  const auto dir = FreshTestDir("services");
  ServicesDirVariable set(dir.string());
  EXPECT_THAT([] { ServiceUrl("rabbitmq"); },
              ThrowsMessage<std::runtime_error>(HasSubstr("rabbitmq was not started")));
  std::filesystem::remove_all(dir);
}

TEST(ServicesMissing, AnUnknownServiceIsRefused) {
  ServicesDirVariable set("/nonexistent");
  EXPECT_THAT([] { ServiceUrl("mysql"); }, ThrowsMessage<std::runtime_error>(HasSubstr("unknown service")));
}

TEST(ServicesMissing, WhatTheScriptWroteIsRead) {
  const auto dir = FreshTestDir("services");
  ServicesDirVariable set(dir.string());
  WriteLine(dir / "redis" / "url", "redis://127.0.0.1:23456");
  WriteLine(dir / "redis" / "pid", "4242");
  EXPECT_EQ(ServiceUrl("redis"), "redis://127.0.0.1:23456");
  EXPECT_EQ(ServicePort("redis"), 23456);
  EXPECT_EQ(ServicePid("redis"), 4242);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace deliverer::test_support
