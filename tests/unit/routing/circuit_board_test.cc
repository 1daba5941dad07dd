#include "routing/circuit_board.h"

#include <gtest/gtest.h>

#include <thread>

#include "routing/router.h"
#include "unit/routing/test_config.h"

namespace deliverer::routing {
namespace {

using std::chrono::seconds;
using testing::ConfigFrom;
using testing::Ids;
using Strings = std::vector<std::string>;

constexpr std::string_view kConfig = R"toml(
[circuit_breaker]
consecutive_failures = 2
open_s = 5
[[carriers]]
id = "a"
[[carriers]]
id = "b"
circuit_breaker = { consecutive_failures = 4 }
[[routes]]
carriers = ["a", "b"]
)toml";

void Fail(CircuitBoard& board, std::string_view carrier, TimePoint now, int times) {
  for (int i = 0; i < times; ++i) {
    (void)board.OnFailure(carrier, board.Acquire(carrier, now), now);
  }
}

TEST(CircuitBoardTest, OneBreakerPerCarrierWithItsOwnThresholds) {
  const config::Config config = ConfigFrom(kConfig);
  CircuitBoard board(config.carriers);
  const TimePoint now = FakeClock().Now();
  Fail(board, "a", now, 2);
  Fail(board, "b", now, 2);
  EXPECT_FALSE(board.AllowsTraffic("a", now));
  EXPECT_TRUE(board.AllowsTraffic("b", now));  // b needs 4
  Fail(board, "b", now, 2);
  EXPECT_FALSE(board.AllowsTraffic("b", now));
  const std::vector<CarrierCircuit> circuits = board.Snapshot(now);
  ASSERT_EQ(circuits.size(), 2u);
  EXPECT_EQ(circuits[0].carrier, "a");
  EXPECT_EQ(circuits[0].snapshot.state, CircuitState::kOpen);
  EXPECT_EQ(circuits[1].snapshot.last_reason, OpenReason::kConsecutiveFailures);
}

TEST(CircuitBoardTest, UnknownCarriersAreAlwaysAllowed) {
  CircuitBoard board({});
  const TimePoint now = FakeClock().Now();
  const Permit permit = board.Acquire("nobody", now);
  EXPECT_TRUE(permit.allowed);
  EXPECT_EQ(board.OnFailure("nobody", permit, now), std::nullopt);
  EXPECT_EQ(board.OnLinkDown("nobody", now), std::nullopt);
  EXPECT_TRUE(board.AllowsTraffic("nobody", now));
  EXPECT_TRUE(board.Snapshot(now).empty());
}

TEST(CircuitBoardTest, ViewDrivesTheRouterAwayFromAnOpenCarrier) {
  const config::Config config = ConfigFrom(kConfig);
  const Router router = std::move(Router::Create(config)).value();
  CircuitBoard board(config.carriers);
  FakeClock clock;
  const RouteRequest request{"+33612345678", "FR", 1, 0, "m"};
  EXPECT_EQ(Ids(router.Route(request, board.ViewAt(clock.Now()))), (Strings{"a", "b"}));
  const std::optional<Transition> down = board.OnLinkDown("a", clock.Now());
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, OpenReason::kLinkDown);
  Plan plan = router.Route(request, board.ViewAt(clock.Now()));
  EXPECT_EQ(Ids(plan), Strings{"b"});
  EXPECT_TRUE(plan.circuit_fallback);
  // After the cool-down "a" is offered again (as a probe).
  clock.Advance(seconds(5));
  plan = router.Route(request, board.ViewAt(clock.Now()));
  EXPECT_EQ(Ids(plan), (Strings{"a", "b"}));
  EXPECT_TRUE(board.Acquire("a", clock.Now()).probe);
}

TEST(CircuitBoardTest, ReconfigureKeepsStateOfKeptCarriers) {
  CircuitBoard board(ConfigFrom(kConfig).carriers);
  const TimePoint now = FakeClock().Now();
  Fail(board, "a", now, 2);
  board.Reconfigure(ConfigFrom(R"toml(
[[carriers]]
id = "c"
[[carriers]]
id = "a"
)toml")
                        .carriers);
  const std::vector<CarrierCircuit> circuits = board.Snapshot(now);
  ASSERT_EQ(circuits.size(), 2u);
  EXPECT_EQ(circuits[0].carrier, "c");
  EXPECT_EQ(circuits[0].snapshot.state, CircuitState::kClosed);
  EXPECT_EQ(circuits[1].carrier, "a");
  EXPECT_EQ(circuits[1].snapshot.state, CircuitState::kOpen);
  EXPECT_TRUE(board.AllowsTraffic("b", now));  // dropped: unknown now
}

// Many threads sending through one board: no lost updates (each breaker sees every
// result) and no crash; run under TSan in the tsan preset.
TEST(CircuitBoardTest, ConcurrentUse) {
  config::Config config = ConfigFrom(kConfig);
  for (config::CarrierConfig& carrier : config.carriers) {
    carrier.circuit_breaker.consecutive_failures = 1'000'000;
    carrier.circuit_breaker.min_volume = 1'000'000;
    carrier.circuit_breaker.window_s = 3600;
  }
  CircuitBoard board(config.carriers);
  const TimePoint now = FakeClock().Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&board, now, t] {
      for (int i = 0; i < 1000; ++i) {
        const std::string_view carrier = (i + t) % 2 == 0 ? "a" : "b";
        const Permit permit = board.Acquire(carrier, now);
        if (i % 2 == 0) {
          (void)board.OnSuccess(carrier, permit, now);
        } else {
          (void)board.OnFailure(carrier, permit, now);
        }
        (void)board.ViewAt(now).AllowsTraffic(carrier);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int64_t total = 0;
  for (const CarrierCircuit& circuit : board.Snapshot(now)) total += circuit.snapshot.window.total;
  EXPECT_EQ(total, 4000);
}

}  // namespace
}  // namespace deliverer::routing
