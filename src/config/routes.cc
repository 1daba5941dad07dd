// Reader for [[routes]], including a route's `canary = { … }` table.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "config/sections.h"

namespace deliverer::config::internal {
namespace {

constexpr size_t kMaxE164Digits = 15;


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

bool ReadPolicy(TableReader& reader, std::string& out) {
  return reader.OneOf("policy", out, {"priority", "failover", "weighted", "least_cost"});
}

// `carriers` of a route or canary: non-empty, every entry a known carrier, once.
void ReadCarrierList(TableReader& reader, const std::vector<CarrierConfig>& carriers,
                     std::vector<std::string>& out) {
  const toml::node* node = reader.table().get("carriers");
  if (!reader.StringArray("carriers", out)) return;
  if (node == nullptr || out.empty()) {
    reader.AddError(node != nullptr ? *node : reader.table(), "needs a non-empty carriers list");
    return;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string& id = out[i];
    const toml::node& element = *node->as_array()->get(i);
    const bool known = std::any_of(carriers.begin(), carriers.end(),
                                   [&](const CarrierConfig& c) { return c.id == id; });
    if (!known) reader.AddError(element, fmt::format("carriers: unknown carrier '{}'", id));
    if (std::find(out.begin(), out.begin() + i, id) != out.begin() + i) {
      reader.AddError(element, fmt::format("carriers: '{}' is listed twice", id));
    }
  }
}

// `weights`: given iff `policy` is weighted, one per carrier, not all 0.
void ReadWeights(TableReader& reader, bool policy_ok, const std::string& policy,
                 const std::vector<std::string>& carriers, std::vector<int>& out) {
  const toml::node* node = reader.table().get("weights");
  if (!reader.IntArray("weights", out, 0, 1'000'000) || !policy_ok) return;
  const bool weighted = policy == "weighted";
  if (!weighted && node != nullptr) {
    reader.AddError(*node, "weights only apply to policy = \"weighted\"");
  } else if (weighted && node == nullptr) {
    reader.AddError(Locate(reader.table(), "policy"), "policy = \"weighted\" needs weights");
  } else if (weighted && out.size() != carriers.size()) {
    reader.AddError(*node, fmt::format("weights must have one entry per carrier ({} carriers, "
                                       "{} weights)",
                                       carriers.size(), out.size()));
  } else if (weighted && std::all_of(out.begin(), out.end(), [](int w) { return w == 0; })) {
    reader.AddError(*node, "weights must not all be 0");
  }
}

void ReadCanaryFlag(TableReader& reader, CanaryConfig& out) {
  const toml::node* node = reader.Find("flag");
  if (node == nullptr) {
    reader.AddError(reader.table(), "needs a flag");
    return;
  }
  const std::optional<std::string> flag = node->value_exact<std::string>();
  if (!flag || !IsValidId(*flag)) {
    reader.Fail(*node, "flag", "a non-empty string of letters, digits, '-', '_' or '.'");
    return;
  }
  out.flag = *flag;
}

// `guard = { enabled?, min_samples?, max_submit_error_margin?, max_delivery_ratio_drop?,
// max_receipt_latency_ratio?, window_s? }`: each key optional, the defaults conservative.
void ReadGuard(TableReader& canary, CanaryGuardConfig& out) {
  const toml::table* table = canary.Subtable("guard");
  if (table == nullptr) return;
  TableReader reader(*table, canary.section() + " guard", canary.diags());
  reader.Bool("enabled", out.enabled);
  reader.Int("min_samples", out.min_samples, 10, 1'000'000);
  reader.Number("max_submit_error_margin", out.max_submit_error_margin, 0, 1, /*min_exclusive=*/true);
  reader.Number("max_delivery_ratio_drop", out.max_delivery_ratio_drop, 0, 1, /*min_exclusive=*/true);
  reader.Number("max_receipt_latency_ratio", out.max_receipt_latency_ratio, 1, 100, /*min_exclusive=*/true);
  reader.Int("window_s", out.window_s, 10, 86'400);
  reader.ReportUnknownKeys();
}

// `canary = { flag, percent, carriers, policy?, weights?, guard? }`; the policy defaults to the
// route's (`route_policy_ok` is false when that one was invalid, to avoid a second error).
std::optional<CanaryConfig> ReadCanary(TableReader& route, const RouteConfig& route_config,
                                       bool route_policy_ok,
                                       const std::vector<CarrierConfig>& carriers) {
  const toml::table* table = route.Subtable("canary");
  if (table == nullptr) return std::nullopt;
  CanaryConfig out;
  out.policy = route_config.policy;
  TableReader reader(*table, route.section() + " canary", route.diags());
  ReadCanaryFlag(reader, out);
  if (table->get("percent") == nullptr) reader.AddError(*table, "needs a percent (0 … 100)");
  reader.Number("percent", out.percent, 0, 100);
  const bool policy_ok =
      ReadPolicy(reader, out.policy) && (route_policy_ok || table->get("policy") != nullptr);
  ReadCarrierList(reader, carriers, out.carriers);
  ReadWeights(reader, policy_ok, out.policy, out.carriers, out.weights);
  ReadGuard(reader, out.guard);
  reader.ReportUnknownKeys();
  return out;
}

RouteConfig ReadRoute(const toml::table& table, size_t index,
                      const std::vector<CarrierConfig>& carriers, Diagnostics& diags) {
  RouteConfig out;
  TableReader reader(table, fmt::format("[[routes]] #{}", index), diags);
  ReadMatch(reader, out);
  const bool policy_ok = ReadPolicy(reader, out.policy);
  ReadCarrierList(reader, carriers, out.carriers);
  ReadWeights(reader, policy_ok, out.policy, out.carriers, out.weights);
  out.canary = ReadCanary(reader, out, policy_ok, carriers);
  reader.ReportUnknownKeys();
  return out;
}

}  // namespace

void ReadRoutes(const toml::node& node, const std::vector<CarrierConfig>& carriers,
                Diagnostics& diags, std::vector<RouteConfig>& out) {
  if (!IsArrayOfTables(node)) {
    diags.Add(node, "routes must be an array of tables ([[routes]])");
    return;
  }
  std::map<std::string, size_t> first_index;  // match → index of the route that has it
  std::map<std::string, size_t> flag_index;   // canary flag → index of the route that has it
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
    // A flag is one roll-out on one route: its guard compares that route's two arms, and
    // halting it must not move another route's traffic.
    if (route.canary && !route.canary->flag.empty()) {
      const auto [at, fresh] = flag_index.emplace(route.canary->flag, index);
      if (!fresh) {
        diags.Add(Locate(table, "canary"), fmt::format("[[routes]] #{} canary repeats flag \"{}\" of "
                                                       "[[routes]] #{}",
                                                       index, route.canary->flag, at->second));
      }
    }
    out.push_back(std::move(route));
  }
}

}  // namespace deliverer::config::internal
