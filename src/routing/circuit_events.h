#pragma once
// What operators are told when a carrier's circuit opens or closes again, and the seam
// through which they are told: the delivery engine reports every such change to a
// CircuitObserver (the webhook dispatcher sends it to [webhooks] ops_url).
#include <cstdint>
#include <string>

namespace deliverer::routing {

struct CircuitEvent {
  std::string carrier;
  bool open = true;          // false: closed again after its probes succeeded
  std::string reason;        // why it opened ("consecutive_failures", "failure_ratio", "link_down", …)
  int64_t cool_down_ms = 0;  // how long it stays open before probes
  int64_t at_ms = 0;
};

class CircuitObserver {
 public:
  virtual ~CircuitObserver() = default;
  // Called on the delivery thread, which must not wait: an implementation hands the
  // work off.
  virtual void OnCircuitEvent(const CircuitEvent& event) = 0;
};

}  // namespace deliverer::routing
