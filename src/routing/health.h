#pragma once
// What the router asks about a carrier's health: may a message go to it now? The circuit
// breakers answer (routing/circuit_board.h: CircuitBoard::ViewAt); tests pass fakes.
#include <string_view>

namespace deliverer::routing {

// Implementations MUST be callable from the thread calling Router::Route and MUST NOT
// block for long (Route calls AllowsTraffic once per eligible carrier of the route).
class HealthView {
 public:
  virtual ~HealthView() = default;
  // True when `carrier`'s circuit lets a message through now: closed, half-open with a
  // probe slot free, or open with its cool-down over. Carriers it does not know: true.
  virtual bool AllowsTraffic(std::string_view carrier) const = 0;
};

// Every carrier healthy: for callers without circuit breakers, and for tests.
class AllHealthy final : public HealthView {
 public:
  bool AllowsTraffic(std::string_view) const override { return true; }
};

}  // namespace deliverer::routing
