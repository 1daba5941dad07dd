#include "errors/throttle.h"

#include <algorithm>

namespace deliverer::errors {

bool Throttle::Admit(const std::string& fingerprint, int64_t now_ms) {
  std::erase_if(recent_, [now_ms](const auto& entry) { return now_ms - entry.second >= kRepeatWindowMs; });
  if (recent_.contains(fingerprint)) return false;
  Refill(now_ms);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  recent_[fingerprint] = now_ms;
  return true;
}

void Throttle::Refill(int64_t now_ms) {
  if (refilled_at_ms_ >= 0 && now_ms > refilled_at_ms_) {
    tokens_ = std::min<double>(kBurst, tokens_ + static_cast<double>(now_ms - refilled_at_ms_) / kRefillMs);
  }
  refilled_at_ms_ = std::max(refilled_at_ms_, now_ms);
}

}  // namespace deliverer::errors
