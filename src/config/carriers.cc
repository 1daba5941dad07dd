// Reader for [[carriers]] (the SMPP wire keys are in carrier_smpp.cc) and the syntax
// helpers shared with the [[routes]] reader.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include "config/sections.h"

namespace deliverer::config::internal {
namespace {

constexpr size_t kMaxSystemIdLength = 15;  // SMPP 3.4: C-Octet String of at most 16

bool IsUpperAlpha(char c) { return c >= 'A' && c <= 'Z'; }

std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

// "[[carriers]] \"sim-a\"" when the id reads well, else "[[carriers]] #2".
std::string CarrierSection(const toml::table& table, size_t index) {
  const std::optional<std::string> id = table["id"].value_exact<std::string>();
  if (id && IsValidId(*id)) return fmt::format("[[carriers]] \"{}\"", *id);
  return fmt::format("[[carriers]] #{}", index);
}

void ReadId(TableReader& reader, CarrierConfig& out) {
  const toml::node* node = reader.Find("id");
  if (node == nullptr) {
    reader.AddError(reader.table(), "needs an id");
    return;
  }
  const std::optional<std::string> id = node->value_exact<std::string>();
  if (!id || !IsValidId(*id)) {
    reader.Fail(*node, "id", "a non-empty string of letters, digits, '-', '_' or '.'");
    return;
  }
  out.id = *id;
}

// Reads an array of strings and maps each through `normalize`, which returns nullopt for
// an invalid element; errors point at the element.
template <class Normalize>
void ReadStrings(TableReader& reader, std::string_view key, std::string_view what,
                 std::vector<std::string>& out, Normalize normalize) {
  std::vector<std::string> raw;
  if (!reader.StringArray(key, raw) || reader.table().get(key) == nullptr) return;
  const toml::array& array = *reader.table().get(key)->as_array();
  std::vector<std::string> values;
  for (size_t i = 0; i < raw.size(); ++i) {
    std::optional<std::string> value = normalize(raw[i]);
    if (!value) {
      reader.Fail(*array.get(i), key, what);
      return;
    }
    values.push_back(std::move(*value));
  }
  out = std::move(values);
}

void ReadCountries(TableReader& reader, CarrierConfig& out) {
  ReadStrings(reader, "countries", "\"*\" or ISO regions such as \"GB\"", out.countries,
              [](const std::string& text) -> std::optional<std::string> {
                std::string upper = Upper(text);
                if (upper == "*" || IsRegion(upper)) return upper;
                return std::nullopt;
              });
  const toml::node* node = reader.table().get("countries");
  if (node != nullptr && node->is_array() && node->as_array()->empty()) {
    reader.Fail(*node, "countries", "a non-empty array (\"*\" serves every region)");
  }
}

void ReadSystemId(TableReader& reader, CarrierConfig& out) {
  if (!reader.String("system_id", out.system_id)) return;
  if (out.system_id.size() > kMaxSystemIdLength) {
    reader.Fail(*reader.table().get("system_id"), "system_id",
                fmt::format("at most {} characters", kMaxSystemIdLength));
  }
}

void ReadUrl(TableReader& reader, CarrierConfig& out) {
  if (!reader.String("url", out.url) || out.url.empty()) return;
  if (!out.url.starts_with("http://") && !out.url.starts_with("https://")) {
    reader.Fail(*reader.table().get("url"), "url", "an http:// or https:// URL");
  }
}

void ReadCreated(TableReader& reader, CarrierConfig& out) {
  const toml::node* node = reader.Find("credentials_created");
  if (node == nullptr) return;
  const toml::date* date = node->is_date() ? &node->as_date()->get() : nullptr;
  if (date == nullptr) {
    reader.Fail(*node, "credentials_created", "a date such as 2026-01-31");
    return;
  }
  const std::chrono::sys_days midnight = std::chrono::year_month_day{
      std::chrono::year(date->year), std::chrono::month(date->month), std::chrono::day(date->day)};
  out.credentials_created_unix =
      std::chrono::duration_cast<std::chrono::seconds>(midnight.time_since_epoch()).count();
}

// `circuit_breaker = { … }` overrides some of the [circuit_breaker] values.
void ReadCarrierBreaker(TableReader& reader, CarrierConfig& out) {
  const toml::table* table = reader.Subtable("circuit_breaker");
  if (table == nullptr) return;
  TableReader breaker(*table, reader.section() + " circuit_breaker", reader.diags());
  ReadCircuitBreaker(breaker, out.circuit_breaker);
  breaker.ReportUnknownKeys();
}

CarrierConfig ReadCarrier(const toml::table& table, size_t index,
                          const CircuitBreakerConfig& breaker, Diagnostics& diags) {
  CarrierConfig out;
  out.circuit_breaker = breaker;
  TableReader reader(table, CarrierSection(table, index), diags);
  ReadId(reader, out);
  reader.OneOf("protocol", out.protocol, {"smpp", "http"});
  reader.NonEmptyString("host", out.host);
  reader.Int("port", out.port, 1, 65535);
  ReadSystemId(reader, out);
  reader.Secret("password", out.password);
  reader.Int("binds", out.binds, 1, 64);
  reader.Int("window", out.window, 1, 1024);
  reader.Number("tps", out.tps, 0);
  ReadCountries(reader, out);
  reader.Number("price_per_segment", out.price_per_segment, 0);
  reader.Bool("enabled", out.enabled);
  ReadUrl(reader, out);
  reader.Secret("token", out.token);
  reader.Secret("dlr_token", out.dlr_token);
  ReadStrings(reader, "dlr_allow", "CIDRs such as \"10.0.0.0/8\"", out.dlr_allow, NormalizeCidr);
  reader.NonEmptyString("dlr_cert_name", out.dlr_cert_name);
  ReadCreated(reader, out);
  ReadCarrierSmpp(reader, out);
  ReadCarrierHttp(reader, out);
  ReadCarrierBreaker(reader, out);
  if (out.protocol == "http" && out.url.empty() && table.get("url") == nullptr) {
    reader.AddError(table, "protocol = \"http\" needs url");
  }
  reader.ReportUnknownKeys();
  return out;
}

}  // namespace

bool IsRegion(std::string_view text) {
  return text.size() == 2 && IsUpperAlpha(text[0]) && IsUpperAlpha(text[1]);
}

// Ids appear in metric labels, logs and URLs, so they stay plain.
bool IsValidId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return IsDigit(c) || IsUpperAlpha(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
           c == '.';
  });
}

bool IsArrayOfTables(const toml::node& node) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return false;
  return std::all_of(array->begin(), array->end(),
                     [](const toml::node& element) { return element.is_table(); });
}

const toml::node& Locate(const toml::table& table, std::string_view key) {
  const toml::node* node = table.get(key);
  return node != nullptr ? *node : table;
}

std::optional<std::string> NormalizeCidr(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  in6_addr buffer{};
  const bool v4 = inet_pton(AF_INET, address.c_str(), &buffer) == 1;
  const bool v6 = !v4 && inet_pton(AF_INET6, address.c_str(), &buffer) == 1;
  if (!v4 && !v6) return std::nullopt;
  const unsigned max_bits = v4 ? 32 : 128;
  if (slash == std::string_view::npos) return fmt::format("{}/{}", address, max_bits);
  const std::string_view bits_text = text.substr(slash + 1);
  unsigned bits = 0;
  const char* end = bits_text.data() + bits_text.size();
  auto [ptr, ec] = std::from_chars(bits_text.data(), end, bits);
  if (bits_text.empty() || bits_text.size() > 3 || ec != std::errc() || ptr != end ||
      bits > max_bits) {
    return std::nullopt;
  }
  return std::string(text);
}

void ReadCarriers(const toml::node& node, const CircuitBreakerConfig& breaker, Diagnostics& diags,
                  std::vector<CarrierConfig>& out) {
  if (!IsArrayOfTables(node)) {
    diags.Add(node, "carriers must be an array of tables ([[carriers]])");
    return;
  }
  std::map<std::string, uint32_t> first_line;  // id → line of its first definition
  size_t index = 0;
  for (const toml::node& element : *node.as_array()) {
    const toml::table& table = *element.as_table();
    CarrierConfig carrier = ReadCarrier(table, ++index, breaker, diags);
    if (carrier.id.empty()) continue;
    const auto [it, inserted] = first_line.emplace(carrier.id, table.source().begin.line);
    if (!inserted) {
      diags.Add(
          Locate(table, "id"),
          fmt::format("[[carriers]] duplicate id '{}' (first at line {})", carrier.id, it->second));
    }
    out.push_back(std::move(carrier));
  }
}

}  // namespace deliverer::config::internal
