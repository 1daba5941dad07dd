#include <gtest/gtest.h>

#include "delivery/engine.h"

namespace deliverer::delivery {
namespace {

config::CarrierConfig Smpp(int binds, int window, bool enabled = true) {
  config::CarrierConfig c;
  c.binds = binds;
  c.window = window;
  c.enabled = enabled;
  return c;
}

// The queue lets every destination have a delivery out, so this cap alone bounds what a
// crash can submit twice (docs/reliability.md R3).
TEST(EngineOptionsTest, InFlightIsWhatTheEnabledCarriersCanHaveUnanswered) {
  config::Config config;
  config::CarrierConfig http;
  http.protocol = "http";
  http.http.connections = 8;
  config.carriers = {Smpp(2, 128), Smpp(4, 64, /*enabled=*/false), http, Smpp(1, 10)};
  EXPECT_EQ(EngineOptions::From(config).max_in_flight, 2u * 128 + 8 + 10);
}

TEST(EngineOptionsTest, InFlightIsAtLeastOneWithoutCarriers) {
  EXPECT_EQ(EngineOptions::From(config::Config{}).max_in_flight, 1u);
}

}  // namespace
}  // namespace deliverer::delivery
