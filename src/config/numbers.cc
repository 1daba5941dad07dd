// Reader for [[numbers]]: our numbers and short codes assigned to accounts, for inbound
// routing (docs/configuration.md "[[numbers]]").
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "config/sections.h"
#include "validation/rules.h"

namespace deliverer::config {

namespace {

constexpr size_t kMaxE164Digits = 15;

bool AllDigits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), internal::IsDigit); }

// What an MO's `to` is compared by: the digits, without the '+'.
std::string_view Digits(std::string_view number) {
  return number.starts_with('+') ? number.substr(1) : number;
}

}  // namespace

const NumberConfig* FindNumber(const std::vector<NumberConfig>& numbers, std::string_view to) {
  const std::string_view digits = Digits(to);
  if (!AllDigits(digits)) return nullptr;
  for (const NumberConfig& n : numbers) {
    if (Digits(n.number) == digits) return &n;
  }
  return nullptr;
}

namespace internal {
namespace {

// "+" and 1 to 15 digits (not starting with 0), or 3 to 8 digits.
bool IsNumberOrShortCode(std::string_view s) {
  if (s.starts_with('+')) {
    const std::string_view d = s.substr(1);
    return AllDigits(d) && d.size() <= kMaxE164Digits && d[0] != '0';
  }
  return AllDigits(s) && s.size() >= 3 && s.size() <= 8;
}

void ReadNumberKey(TableReader& reader, NumberConfig& out) {
  const toml::node* node = reader.Find("number");
  if (node == nullptr) {
    reader.AddError(reader.table(), "needs a number");
    return;
  }
  const std::optional<std::string> number = node->value_exact<std::string>();
  if (!number || !IsNumberOrShortCode(*number)) {
    reader.Fail(*node, "number", "an E.164 number (\"+447700900123\") or a short code of 3 to 8 digits");
    return;
  }
  out.number = *number;
}

void ReadInboundUrl(TableReader& reader, bool allow_private, NumberConfig& out) {
  std::string url;
  if (!reader.String("inbound_url", url) || url.empty()) return;
  if (url.size() > validation::rules::kMaxCallbackUrlBytes ||
      !validation::rules::CheckCallbackUrl(url, allow_private).ok()) {
    reader.Fail(*reader.table().get("inbound_url"), "inbound_url",
                "an http(s) URL a callback_url could be (not a private address unless [security] "
                "allow_private_callbacks)");
    return;
  }
  out.inbound_url = std::move(url);
}

NumberConfig ReadNumber(const toml::table& table, size_t index, bool allow_private, Diagnostics& diags) {
  TableReader reader(table, fmt::format("[[numbers]] #{}", index), diags);
  NumberConfig number;
  ReadNumberKey(reader, number);
  if (reader.table().get("account") == nullptr) reader.AddError(table, "needs an account");
  reader.NonEmptyString("account", number.account);
  ReadInboundUrl(reader, allow_private, number);
  reader.ReportUnknownKeys();
  return number;
}

}  // namespace

void ReadNumbers(const toml::node& node, bool allow_private, Diagnostics& diags,
                 std::vector<NumberConfig>& out) {
  if (!IsArrayOfTables(node)) {
    diags.Add(node, "numbers must be an array of tables ([[numbers]])");
    return;
  }
  std::map<std::string, size_t, std::less<>> first_index;  // digits → the entry that has them
  size_t index = 0;
  for (const toml::node& element : *node.as_array()) {
    const toml::table& table = *element.as_table();
    NumberConfig number = ReadNumber(table, ++index, allow_private, diags);
    if (number.number.empty()) continue;
    // "+447700900123" and "447700900123" are one number to an MO: they may not be split.
    const auto [it, inserted] = first_index.emplace(std::string(Digits(number.number)), index);
    if (!inserted) {
      diags.Add(Locate(table, "number"), fmt::format("[[numbers]] #{} repeats number \"{}\" of "
                                                     "[[numbers]] #{}",
                                                     index, number.number, it->second));
    }
    out.push_back(std::move(number));
  }
}

}  // namespace internal
}  // namespace deliverer::config
