#pragma once
// The circuit breakers of all carriers, one each (routing/circuit_breaker.h), behind one
// mutex: thread-safe, every method may be called from any thread (delivery threads,
// connectors reporting a dead link, the admin API, the metrics scrape). Each call holds the
// lock briefly and never calls out while holding it. Time is passed in.
//
// A carrier the board does not know (not configured, or dropped by a reload) is always
// allowed; its results are ignored.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "config/config.h"
#include "routing/circuit_breaker.h"
#include "routing/health.h"

namespace deliverer::routing {

struct CarrierCircuit {
  std::string carrier;
  BreakerSnapshot snapshot;
};

class CircuitBoard {
 public:
  // One breaker per carrier, with the carrier's resolved circuit_breaker settings.
  explicit CircuitBoard(const std::vector<config::CarrierConfig>& carriers);

  CircuitBoard(const CircuitBoard&) = delete;
  CircuitBoard& operator=(const CircuitBoard&) = delete;

  // Config reload: carriers that stay keep their state with the new thresholds, new ones
  // start closed, removed ones are dropped.
  void Reconfigure(const std::vector<config::CarrierConfig>& carriers);

  bool AllowsTraffic(std::string_view carrier, TimePoint now) const;
  Permit Acquire(std::string_view carrier, TimePoint now);
  std::optional<Transition> OnSuccess(std::string_view carrier, const Permit& permit,
                                      TimePoint now);
  std::optional<Transition> OnFailure(std::string_view carrier, const Permit& permit,
                                      TimePoint now);
  void Release(std::string_view carrier, const Permit& permit);
  std::optional<Transition> OnLinkDown(std::string_view carrier, TimePoint now);

  // Every carrier's breaker, in config order.
  std::vector<CarrierCircuit> Snapshot(TimePoint now) const;

  // The board as the router's HealthView at one instant. Borrows the board, which must
  // outlive it; as thread-safe as the board.
  class View final : public HealthView {
   public:
    View(const CircuitBoard& board, TimePoint now) : board_(board), now_(now) {}
    bool AllowsTraffic(std::string_view carrier) const override {
      return board_.AllowsTraffic(carrier, now_);
    }

   private:
    const CircuitBoard& board_;
    TimePoint now_;
  };
  View ViewAt(TimePoint now) const { return View(*this, now); }

 private:
  // nullptr for an unknown carrier.
  CircuitBreaker* Find(std::string_view carrier) REQUIRES(mutex_);
  const CircuitBreaker* Find(std::string_view carrier) const REQUIRES(mutex_);

  mutable common::Mutex mutex_;
  std::map<std::string, CircuitBreaker, std::less<>> breakers_ GUARDED_BY(mutex_);
  std::vector<std::string> order_ GUARDED_BY(mutex_);
};

}  // namespace deliverer::routing
