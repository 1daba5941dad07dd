// Readers for the arrays of tables: [[carriers]] and [[routes]].
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
constexpr size_t kMaxE164Digits = 15;

bool IsArrayOfTables(const toml::node& node) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return false;
  return std::all_of(array->begin(), array->end(),
                     [](const toml::node& element) { return element.is_table(); });
}

bool IsUpperAlpha(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsRegion(std::string_view text) {
  return text.size() == 2 && IsUpperAlpha(text[0]) && IsUpperAlpha(text[1]);
}

std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

// Ids appear in metric labels, logs and URLs, so they stay plain.
bool IsValidId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return IsDigit(c) || IsUpperAlpha(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
           c == '.';
  });
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

CarrierConfig ReadCarrier(const toml::table& table, size_t index, Diagnostics& diags) {
  CarrierConfig out;
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
  ReadCreated(reader, out);
  if (out.protocol == "http" && out.url.empty() && table.get("url") == nullptr) {
    reader.AddError(table, "protocol = \"http\" needs url");
  }
  reader.ReportUnknownKeys();
  return out;
}

// Route "match": "*", an ISO region, or "+" and 1 to 15 digits.
bool IsValidMatch(std::string_view match) {
  if (match == "*" || IsRegion(match)) return true;
  if (match.size() < 2 || match.size() > kMaxE164Digits + 1 || match[0] != '+') return false;
  return std::all_of(match.begin() + 1, match.end(), IsDigit);
}

void ReadMatch(TableReader& reader, RouteConfig& out) {
  const toml::node* node = reader.Find("match");
  if (node == nullptr) return;
  const std::optional<std::string> match = node->value_exact<std::string>();
  if (!match || !IsValidMatch(*match)) {
    reader.Fail(*node, "match", "\"*\", an ISO region (\"GB\") or a prefix (\"+4477\")");
    return;
  }
  out.match = *match;
}

// Every entry names a carrier, once.
void ReadRouteCarriers(TableReader& reader, const std::vector<CarrierConfig>& carriers,
                       RouteConfig& out) {
  const toml::node* node = reader.table().get("carriers");
  if (!reader.StringArray("carriers", out.carriers)) return;
  if (node == nullptr || out.carriers.empty()) {
    reader.AddError(node != nullptr ? *node : reader.table(), "needs a non-empty carriers list");
    return;
  }
  for (size_t i = 0; i < out.carriers.size(); ++i) {
    const std::string& id = out.carriers[i];
    const toml::node& element = *node->as_array()->get(i);
    const bool known = std::any_of(carriers.begin(), carriers.end(),
                                   [&](const CarrierConfig& c) { return c.id == id; });
    if (!known) reader.AddError(element, fmt::format("carriers: unknown carrier '{}'", id));
    if (std::find(out.carriers.begin(), out.carriers.begin() + i, id) != out.carriers.begin() + i) {
      reader.AddError(element, fmt::format("carriers: '{}' is listed twice", id));
    }
  }
}

void ReadWeights(TableReader& reader, bool policy_ok, RouteConfig& out) {
  const toml::node* node = reader.table().get("weights");
  if (!reader.IntArray("weights", out.weights, 0, 1'000'000) || !policy_ok) return;
  const bool weighted = out.policy == "weighted";
  if (!weighted && node != nullptr) {
    reader.AddError(*node, "weights only apply to policy = \"weighted\"");
  } else if (weighted && node == nullptr) {
    reader.AddError(*reader.table().get("policy"), "policy = \"weighted\" needs weights");
  } else if (weighted && out.weights.size() != out.carriers.size()) {
    reader.AddError(*node, fmt::format("weights must have one entry per carrier ({} carriers, "
                                       "{} weights)",
                                       out.carriers.size(), out.weights.size()));
  } else if (weighted &&
             std::all_of(out.weights.begin(), out.weights.end(), [](int w) { return w == 0; })) {
    reader.AddError(*node, "weights must not all be 0");
  }
}

RouteConfig ReadRoute(const toml::table& table, size_t index,
                      const std::vector<CarrierConfig>& carriers, Diagnostics& diags) {
  RouteConfig out;
  TableReader reader(table, fmt::format("[[routes]] #{}", index), diags);
  ReadMatch(reader, out);
  const bool policy_ok =
      reader.OneOf("policy", out.policy, {"priority", "failover", "weighted", "least_cost"});
  ReadRouteCarriers(reader, carriers, out);
  ReadWeights(reader, policy_ok, out);
  reader.ReportUnknownKeys();
  return out;
}

// The node that best locates `key` of `table`: the value, else the table itself.
const toml::node& Locate(const toml::table& table, std::string_view key) {
  const toml::node* node = table.get(key);
  return node != nullptr ? *node : table;
}

}  // namespace

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

void ReadCarriers(const toml::node& node, Diagnostics& diags, std::vector<CarrierConfig>& out) {
  if (!IsArrayOfTables(node)) {
    diags.Add(node, "carriers must be an array of tables ([[carriers]])");
    return;
  }
  std::map<std::string, uint32_t> first_line;  // id → line of its first definition
  size_t index = 0;
  for (const toml::node& element : *node.as_array()) {
    const toml::table& table = *element.as_table();
    CarrierConfig carrier = ReadCarrier(table, ++index, diags);
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

void ReadRoutes(const toml::node& node, const std::vector<CarrierConfig>& carriers,
                Diagnostics& diags, std::vector<RouteConfig>& out) {
  if (!IsArrayOfTables(node)) {
    diags.Add(node, "routes must be an array of tables ([[routes]])");
    return;
  }
  std::map<std::string, size_t> first_index;  // match → index of the route that has it
  size_t index = 0;
  for (const toml::node& element : *node.as_array()) {
    const toml::table& table = *element.as_table();
    RouteConfig route = ReadRoute(table, ++index, carriers, diags);
    const auto [it, inserted] = first_index.emplace(route.match, index);
    if (!inserted) {
      diags.Add(Locate(table, "match"), fmt::format("[[routes]] #{} repeats match \"{}\" of "
                                                    "[[routes]] #{}",
                                                    index, route.match, it->second));
    }
    out.push_back(std::move(route));
  }
}

}  // namespace deliverer::config::internal
