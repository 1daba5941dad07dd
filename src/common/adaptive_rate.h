#pragma once
// The per-carrier send rate: a token bucket for the configured TPS, shared by all binds
// (or connections) of a carrier, that slows down when the carrier answers ESME_RTHROTTLED
// (0x58) or ESME_RMSGQFUL (0x14), or HTTP 429, and speeds up again while it does not
// (docs/smpp-mapping.md "The session", docs/reliability.md R5). Multiplicative decrease, gradual increase, so the rate
// settles at or under what the carrier accepts.
//
// Pure: time comes in as arguments. Thread-compatible: the binds sharing one AdaptiveRate
// run on one executor (see docs/architecture.md "Threading").
//
// Why in common/: both carrier kinds pace their sends with it (carriers/smpp and
// carriers/http), and so does the SMPP session itself (smpp/session.h takes the carrier's
// AdaptiveRate). smpp/ sits below carriers/ in the dependency order, so the session could
// not reach it in carriers/; common/ is below both, and the class is pure.
#include <cstdint>

#include "common/clock.h"

namespace deliverer {

class AdaptiveRate {
 public:
  // configured_tps 0 = unlimited until the carrier throttles.
  explicit AdaptiveRate(double configured_tps = 0);

  // Takes one token when available.
  bool TryTake(TimePoint now);
  // When the next token is due (now when one is available; TimePoint::max() never).
  TimePoint NextToken(TimePoint now);

  // A throttling answer: cut the rate by kDecrease (at most once per kDecreaseSpacing,
  // since one burst draws many such answers) and empty the bucket.
  void OnThrottled(TimePoint now);
  // Any other answer: raise the limit by 10% (at most once per kIncreaseSpacing) towards
  // the configured rate; an unconfigured carrier becomes unlimited again after
  // kRecoverToUnlimited without a throttle. Five raises a second outweigh one cut, so
  // throttles that come at random rather than from load do not grind the rate down,
  // while real overload (throttles on every burst) holds it near the carrier's limit.
  void OnAnswered(TimePoint now);

  // The limit in effect; 0 = unlimited.
  double current_tps() const { return current_; }
  double configured_tps() const { return configured_; }

  static constexpr double kDecrease = 0.7;
  static constexpr Millis kDecreaseSpacing{1000};
  static constexpr Millis kIncreaseSpacing{200};
  static constexpr Millis kRecoverToUnlimited{10'000};
  static constexpr double kMinTps = 1.0;

 private:
  void Refill(TimePoint now);
  void SetLimit(double tps);
  double ObservedTps(TimePoint now);
  void RollSecond(TimePoint now);

  const double configured_;
  double current_;        // 0 = unlimited
  double tokens_ = 0;
  double capacity_ = 1;   // a burst of 50 ms worth of tokens, at least one
  TimePoint last_refill_{};
  TimePoint last_decrease_{};
  TimePoint last_increase_{};
  // Sends counted per whole second, to know the rate to halve when none is configured.
  int64_t second_ = 0;
  uint32_t sent_this_second_ = 0;
  uint32_t sent_last_second_ = 0;
};

}  // namespace deliverer
