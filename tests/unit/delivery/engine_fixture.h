#pragma once
// The delivery engine with its real neighbours: the in-memory store (store/memory/, which
// passes the same conformance suite as SQLite), the embedded queue, a router and circuit board built from config structs, a FakeClock,
// and FakeCarriers. The test's thread runs the io_context, so it is the delivery thread:
// it may call the engine's CarrierListener methods and the fake carriers directly.
//
// Time: decisions read the FakeClock, but the engine's retry and sweep timers wait on the
// steady clock for the delays it computes from it. So a test advances the FakeClock past
// what it wants to happen and then runs the io_context until it has; the delays it uses
// are short enough for those timers to fire within milliseconds.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "delivery/engine.h"
#include "fake_carrier.h"
#include "metrics/metrics.h"
#include "queue/claims.h"
#include "queue/embedded/embedded_queue.h"
#include "routing/canary_events.h"
#include "routing/canary_halts.h"
#include "routing/circuit_board.h"
#include "routing/circuit_events.h"
#include "routing/router_holder.h"
#include "store/memory/memory_store.h"

namespace deliverer::delivery::testing {

// Short delays so that the engine's steady timers fire quickly.
inline EngineOptions FastOptions() {
  EngineOptions options;
  options.backoff_base = Millis(40);
  options.backoff_cap = Millis(200);
  options.no_carrier_retry = Millis(20);
  options.sweep_interval = Millis(5);
  return options;
}

struct EngineSetup {
  std::vector<std::string> carriers = {"A"};  // fake carrier ids, in config order
  std::vector<config::RouteConfig> routes;    // none: one "*" failover route over every carrier
  EngineOptions options = FastOptions();
  std::map<std::string, double> prices;       // price_per_segment by carrier id; absent = 0
};

// One message as ingest stores it.
struct MessageSpec {
  std::string body = "hello";
  std::string to;  // "" = a destination of its own
  int ttl_seconds = 3600;
  int64_t created_at_ms = -1;   // -1 = now
  bool publish = true;          // false: stored queued but never handed to the queue
  bool smart_encoding = false;  // counted as ingest counts a request with smart_encoding true
  int64_t send_at_ms = 0;       // ahead of now: stored scheduled (never published here)
};

// What the engine tells the operators' webhook, as it tells it (on the engine's thread,
// which the tests run).
struct RecordedCircuitEvents final : routing::CircuitObserver {
  void OnCircuitEvent(const routing::CircuitEvent& event) override { events.push_back(event); }
  std::vector<routing::CircuitEvent> events;
};

// What the engine tells of canary roll-outs, likewise.
struct RecordedCanaryEvents final : routing::CanaryObserver {
  void OnCanaryEvent(const routing::CanaryEvent& event) override { events.push_back(event); }
  std::vector<routing::CanaryEvent> events;
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest();
  void SetUp() override;
  void TearDown() override;

  // Builds the router, circuit board, engine and fake carriers, then starts the engine.
  void Start(EngineSetup setup = {});
  FakeCarrier& carrier(const std::string& id) { return *carriers_.at(id); }
  const EngineOptions& options() const { return options_; }

  // Stores a queued message (durable on return) and, unless told not to, publishes it.
  void Insert(const std::string& id, MessageSpec spec = {});
  // Cancels it as a producer would, in the store (durable on return).
  store::CancelOutcome Cancel(const std::string& id);

  store::MessageRecord Record(const std::string& id);
  model::Status StatusOf(const std::string& id);
  std::vector<model::Status> EventsOf(const std::string& id);

  // Runs the io_context until `done` holds; false after `deadline` (a failsafe only).
  [[nodiscard]] bool RunUntil(const std::function<bool()>& done,
                              std::chrono::seconds deadline = std::chrono::seconds(20));
  // Same, and each time the engine has a retry waiting, moves the clock to its due time.
  [[nodiscard]] bool RunThroughRetries(const std::function<bool()>& done);
  // Returns once a whole receipt-wait/TTL sweep has run at the current fake time: a probe
  // message, stored already past its TTL and never published, is expired by the first
  // such sweep, in the same store write as every other message that sweep closes.
  void SweepOnce();
  // Hands a receipt to the engine as carrier `carrier_id`'s connector would; returns the
  // engine's ack (true once the receipt is durable).
  bool Receipt(const std::string& carrier, const std::string& carrier_id, model::Status status,
               const std::string& carrier_code);

  FakeClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<store::memory::MemoryStore> store_;
  queue::EmbeddedQueue queue_;
  queue::Claims claims_;  // the engine's, shared as the API's cancels share it
  metrics::Registry metrics_;
  std::unique_ptr<routing::RouterHolder> router_;
  std::unique_ptr<routing::CircuitBoard> circuits_;
  routing::CanaryHalts canary_halts_;
  std::unique_ptr<Engine> engine_;
  RecordedCircuitEvents circuit_events_;
  RecordedCanaryEvents canary_events_;

 private:
  EngineOptions options_;
  std::map<std::string, FakeCarrier*> carriers_;  // owned by engine_
  int destinations_ = 0;
  int probes_ = 0;
};

// A route over `carriers` in this order.
config::RouteConfig FailoverRoute(std::vector<std::string> carriers, std::string match = "*");

}  // namespace deliverer::delivery::testing
