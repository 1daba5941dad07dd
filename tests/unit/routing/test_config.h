#pragma once
// Shared by the routing tests: configs from TOML, and a HealthView with chosen carriers open.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "config/config.h"
#include "routing/health.h"
#include "routing/router.h"

namespace deliverer::routing::testing {

inline config::Config ConfigFrom(std::string_view toml) {
  Result<config::Config> config = config::LoadString(toml, "routing-test.toml");
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().detail);
  return config.ok() ? std::move(config).value() : config::Config{};
}

inline Router RouterFrom(std::string_view toml) {
  Result<Router> router = Router::Create(ConfigFrom(toml));
  EXPECT_TRUE(router.ok()) << (router.ok() ? "" : router.error().detail);
  if (!router.ok()) std::abort();
  return std::move(router).value();
}

// Carriers listed in `open` have an open circuit; every other one is healthy. Counts
// questions so tests can check each carrier is asked once.
class FakeHealth final : public HealthView {
 public:
  FakeHealth() = default;
  FakeHealth(std::initializer_list<std::string> open) : open_(open) {}
  bool AllowsTraffic(std::string_view carrier) const override {
    ++asked_;
    return !open_.contains(std::string(carrier));
  }
  int asked() const { return asked_; }

 private:
  std::set<std::string> open_;
  mutable int asked_ = 0;
};

// Carriers a-d serve everywhere; "uk" serves GB only; "off" is disabled.
inline constexpr std::string_view kCarriers = R"toml(
[[carriers]]
id = "a"
price_per_segment = 0.005
[[carriers]]
id = "b"
price_per_segment = 0.004
[[carriers]]
id = "c"
price_per_segment = 0.006
[[carriers]]
id = "d"
price_per_segment = 0.004
[[carriers]]
id = "uk"
countries = ["GB"]
price_per_segment = 0.001
[[carriers]]
id = "off"
enabled = false
price_per_segment = 0.0001
)toml";

// A router over kCarriers with `routes` ([[routes]] tables).
inline Router WithRoutes(std::string_view routes) {
  return RouterFrom(std::string(kCarriers) + std::string(routes));
}

inline std::vector<std::string> Ids(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Candidate& candidate : plan.candidates) ids.push_back(candidate.carrier);
  return ids;
}

}  // namespace deliverer::routing::testing
