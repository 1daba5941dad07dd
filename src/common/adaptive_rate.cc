#include "common/adaptive_rate.h"

#include <algorithm>
#include <cmath>

namespace deliverer {

namespace {
int64_t SecondOf(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

AdaptiveRate::AdaptiveRate(double configured_tps) : configured_(std::max(0.0, configured_tps)), current_(0) {
  SetLimit(configured_);
  tokens_ = capacity_;
}

void AdaptiveRate::SetLimit(double tps) {
  current_ = tps;
  capacity_ = std::max(1.0, tps * 0.05);
  tokens_ = std::min(tokens_, capacity_);
}

void AdaptiveRate::Refill(TimePoint now) {
  if (last_refill_ == TimePoint{}) last_refill_ = now;
  if (now > last_refill_ && current_ > 0) {
    const double seconds = std::chrono::duration<double>(now - last_refill_).count();
    tokens_ = std::min(capacity_, tokens_ + seconds * current_);
  }
  last_refill_ = std::max(last_refill_, now);
}

void AdaptiveRate::RollSecond(TimePoint now) {
  const int64_t second = SecondOf(now);
  if (second == second_) return;
  sent_last_second_ = second == second_ + 1 ? sent_this_second_ : 0;
  sent_this_second_ = 0;
  second_ = second;
}

bool AdaptiveRate::TryTake(TimePoint now) {
  RollSecond(now);
  if (current_ > 0) {
    Refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
  }
  ++sent_this_second_;
  return true;
}

TimePoint AdaptiveRate::NextToken(TimePoint now) {
  if (current_ <= 0) return now;
  Refill(now);
  if (tokens_ >= 1.0) return now;
  const double wait_s = (1.0 - tokens_) / current_;
  return now + std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(wait_s));
}

double AdaptiveRate::ObservedTps(TimePoint now) {
  RollSecond(now);
  // The busier of the last whole second and the current partial one, scaled.
  const double into_second =
      std::chrono::duration<double>(now.time_since_epoch()).count() - static_cast<double>(second_);
  const double current = into_second > 0.1 ? sent_this_second_ / into_second : 0;
  return std::max<double>(sent_last_second_, current);
}

void AdaptiveRate::OnThrottled(TimePoint now) {
  if (last_decrease_ != TimePoint{} && now - last_decrease_ < kDecreaseSpacing) return;
  const double base = current_ > 0 ? current_ : ObservedTps(now);
  Refill(now);
  SetLimit(std::max(kMinTps, base * kDecrease));
  tokens_ = 0;
  last_decrease_ = now;
  last_increase_ = now;
}

void AdaptiveRate::OnAnswered(TimePoint now) {
  if (current_ <= 0 || current_ == configured_) return;
  if (now - last_increase_ < kIncreaseSpacing || now - last_decrease_ < kIncreaseSpacing) return;
  last_increase_ = now;
  Refill(now);
  if (configured_ == 0) {
    if (now - last_decrease_ >= kRecoverToUnlimited) {
      SetLimit(0);
    } else {
      SetLimit(current_ * 1.1 + 1);
    }
    return;
  }
  SetLimit(std::min(configured_, current_ * 1.1 + 1));
}

}  // namespace deliverer
