#pragma once
// What operators are told when a canary roll-out halts itself or is resumed, and the seam
// through which they are told: the delivery engine reports each to a CanaryObserver (the
// webhook dispatcher sends it to [webhooks] ops_url as `canary.halted` / `canary.resumed`).
#include <cstdint>
#include <string>

#include "routing/canary_guard.h"

namespace deliverer::routing {

struct CanaryEvent {
  std::string flag;
  std::string route;   // the route's match ("*", "GB", "+4477")
  bool halted = true;  // false: resumed by an operator
  // A halt's: the measure (ToString(HaltReason)), the sentence with both arms' figures,
  // and the figures themselves over the guard's window.
  std::string reason;
  std::string detail;
  ArmFigures canary;
  ArmFigures control;
  int64_t at_ms = 0;
};

class CanaryObserver {
 public:
  virtual ~CanaryObserver() = default;
  // Called on the delivery thread, which must not wait: an implementation hands the
  // work off.
  virtual void OnCanaryEvent(const CanaryEvent& event) = 0;
};

}  // namespace deliverer::routing
