#pragma once
// The delivery engine's side of the canary guard (docs/configuration.md "The canary's
// guard"): it attributes each submit a carrier answers, and each end of a message a
// carrier took, to an arm of its route's roll-out, feeds that roll-out's
// routing::CanaryGuard, and halts a roll-out the guard finds worse:
//   - at once in routing::CanaryHalts, so the router's next plan has no canary arm
//     (submits already at a carrier finish; a retry is routed afresh, to the control arm);
//   - durably in the store (store/canary_store.h, audited `canary.halt`), so a config
//     reload or a restart keeps it; a write that fails is tried again every sweep;
//   - with a warning in the log, `deliverer_canary_halted{flag}` 1,
//     `deliverer_canary_halts_total{flag,reason}`, and a CanaryObserver event (the
//     operators' webhook).
// Every sweep it re-reads the store's halts: at start-up that restores them, and a resume
// made through the API or the CLI (another process, maybe) lifts the halt here too and
// starts the roll-out's window afresh.
//
// What counts for which arm (TicketOf): a message of a roll-out's route takes the canary
// or the control arm (routing/router.h). An attempt on one of the canary's own carriers
// counts for the canary; any attempt of a control-arm message for the control. A
// canary-arm message that falls back to one of the route's own carriers counts for
// neither: that attempt says nothing of the canary.
//
// Threading: the delivery thread only; store callbacks are posted to `io`.
#include <boost/asio/io_context.hpp>

#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "metrics/metrics.h"
#include "model/message.h"
#include "routing/canary_events.h"
#include "routing/canary_guard.h"
#include "routing/canary_halts.h"
#include "routing/router.h"
#include "routing/router_holder.h"
#include "store/canary_store.h"

namespace deliverer::delivery {

// The roll-out and arm an attempt counts for.
struct ArmTicket {
  std::string flag;
  routing::Arm arm = routing::Arm::kControl;
};

class CanaryWatch {
 public:
  // Messages sent and awaiting their end, remembered so that the end counts for their arm;
  // past this, the oldest is forgotten (its end then counts for no arm).
  static constexpr size_t kMaxAwaitingEnd = 100'000;

  CanaryWatch(boost::asio::io_context& io, store::CanaryStore& store, routing::CanaryHalts& halts,
              routing::RouterHolder& router, routing::CanaryObserver* observer,
              metrics::Registry& metrics, const Clock& clock);
  CanaryWatch(const CanaryWatch&) = delete;
  CanaryWatch& operator=(const CanaryWatch&) = delete;

  // The arm an attempt on `carrier` counts for under `plan`; nullopt when it counts for
  // none (above).
  static std::optional<ArmTicket> TicketOf(const routing::Plan& plan, const std::string& carrier);

  // A carrier answered an attempt: accepted (`error` false) or refused (permanent,
  // transient or unknown). An attempt that never reached a carrier is not counted.
  void OnSubmitted(const ArmTicket& ticket, bool error);
  // The message is recorded sent: its end will count for the same arm.
  void OnSent(const std::string& message_id, const ArmTicket& ticket);
  // A message a carrier took ended with `status`, by a receipt or (`by_receipt` false) when
  // the receipt wait ran out. Messages OnSent did not announce are ignored.
  void OnEnded(const std::string& message_id, model::Status status, bool by_receipt);

  // Each sweep: the roll-outs of the routes in use (their guard options), the store's
  // halts (loaded, lifted), and halts whose write failed are written again.
  void Sync();

 private:
  struct Rollout {
    explicit Rollout(routing::GuardOptions options) : guard(options) {}
    routing::CanaryGuard guard;
    std::string route;
    bool halted = false;
  };
  struct Awaiting {
    ArmTicket ticket;
    int64_t sent_at_ms = 0;
    std::list<std::string>::iterator order;
  };

  // The roll-out of `flag`, made from the routes in use on first sight; nullptr when no
  // route has it (a reload removed it).
  Rollout* Find(const std::string& flag);
  // Halts the roll-out when its guard has a verdict.
  void Judge(const std::string& flag, Rollout& rollout);
  void Halt(const std::string& flag, Rollout& rollout, const routing::Verdict& verdict);
  void Persist(const std::string& flag);
  void Resumed(const std::string& flag, Rollout& rollout);
  void Count(const ArmTicket& ticket, std::string_view outcome);
  void SetHaltedGauge(const std::string& flag, bool halted);
  void Forget(std::unordered_map<std::string, Awaiting>::iterator it);

  boost::asio::io_context& io_;
  store::CanaryStore& store_;
  routing::CanaryHalts& halts_;
  routing::RouterHolder& router_;
  routing::CanaryObserver* const observer_;  // may be null
  metrics::Registry& metrics_;
  const Clock& clock_;

  std::map<std::string, Rollout, std::less<>> rollouts_;
  // Halts not yet durable, by flag, and those whose write is under way.
  std::map<std::string, store::CanaryHalt, std::less<>> unwritten_;
  std::set<std::string, std::less<>> writing_;
  std::set<std::string, std::less<>> gauged_;  // flags deliverer_canary_halted shows
  std::unordered_map<std::string, Awaiting> awaiting_;  // by message id
  std::list<std::string> awaiting_order_;               // oldest first
  bool store_unreadable_ = false;  // logged once until a read succeeds again
};

}  // namespace deliverer::delivery
