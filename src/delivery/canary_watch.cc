#include "delivery/canary_watch.h"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "common/log.h"
#include "common/time_format.h"

namespace deliverer::delivery {

namespace {

constexpr const char* kOutcomesHelp = "Canary roll-outs' outcomes by arm";
constexpr const char* kHaltedHelp = "1 while a canary roll-out is halted by its guard";

}  // namespace

CanaryWatch::CanaryWatch(boost::asio::io_context& io, store::CanaryStore& store,
                         routing::CanaryHalts& halts, routing::RouterHolder& router,
                         routing::CanaryObserver* observer, metrics::Registry& metrics,
                         const Clock& clock)
    : io_(io),
      store_(store),
      halts_(halts),
      router_(router),
      observer_(observer),
      metrics_(metrics),
      clock_(clock) {}

std::optional<ArmTicket> CanaryWatch::TicketOf(const routing::Plan& plan, const std::string& carrier) {
  if (plan.rollout.empty()) return std::nullopt;
  if (plan.canary_flag.empty()) return ArmTicket{plan.rollout, routing::Arm::kControl};
  const auto candidate = std::find_if(plan.candidates.begin(), plan.candidates.end(),
                                      [&](const routing::Candidate& c) { return c.carrier == carrier; });
  if (candidate == plan.candidates.end() || !candidate->canary) return std::nullopt;
  return ArmTicket{plan.rollout, routing::Arm::kCanary};
}

CanaryWatch::Rollout* CanaryWatch::Find(const std::string& flag) {
  if (auto it = rollouts_.find(flag); it != rollouts_.end()) return &it->second;
  const auto router = router_.Get();
  const routing::RouteRule* rule = router->FindRollout(flag);
  if (rule == nullptr) return nullptr;
  Rollout& made = rollouts_.emplace(flag, Rollout(rule->canary->guard)).first->second;
  made.route = rule->match;
  made.halted = halts_.Halted(flag);
  gauged_.insert(flag);
  return &made;
}

void CanaryWatch::Count(const ArmTicket& ticket, std::string_view outcome) {
  metrics_.Counter("deliverer_canary_outcomes_total", kOutcomesHelp,
                   {{"flag", ticket.flag}, {"arm", std::string(routing::ToString(ticket.arm))},
                    {"outcome", std::string(outcome)}})
      .Inc();
}

// The guard decides before the outcome is counted: once the counters show a sample, the
// verdict on it has been reached (what the tests that wait on the counters rely on).
void CanaryWatch::OnSubmitted(const ArmTicket& ticket, bool error) {
  if (Rollout* rollout = Find(ticket.flag)) {
    rollout->guard.RecordSubmit(ticket.arm, error, clock_.NowUnixMillis());
    Judge(ticket.flag, *rollout);
  }
  Count(ticket, error ? "submit_error" : "accepted");
}

void CanaryWatch::OnSent(const std::string& message_id, const ArmTicket& ticket) {
  if (awaiting_.contains(message_id)) return;
  if (awaiting_.size() >= kMaxAwaitingEnd) Forget(awaiting_.find(awaiting_order_.front()));
  awaiting_order_.push_back(message_id);
  awaiting_.emplace(message_id, Awaiting{ticket, clock_.NowUnixMillis(), std::prev(awaiting_order_.end())});
}

void CanaryWatch::Forget(std::unordered_map<std::string, Awaiting>::iterator it) {
  awaiting_order_.erase(it->second.order);
  awaiting_.erase(it);
}

void CanaryWatch::OnEnded(const std::string& message_id, model::Status status, bool by_receipt) {
  const auto it = awaiting_.find(message_id);
  if (it == awaiting_.end()) return;
  const ArmTicket ticket = it->second.ticket;
  const int64_t now_ms = clock_.NowUnixMillis();
  const std::optional<int64_t> latency_ms =
      by_receipt ? std::optional<int64_t>(now_ms - it->second.sent_at_ms) : std::nullopt;
  Forget(it);
  const bool delivered = status == model::Status::kDelivered;
  if (Rollout* rollout = Find(ticket.flag)) {
    rollout->guard.RecordFinal(ticket.arm, delivered, latency_ms, now_ms);
    Judge(ticket.flag, *rollout);
  }
  Count(ticket, delivered ? "delivered" : "undelivered");
  if (latency_ms) {
    metrics_.Histogram("deliverer_canary_receipt_latency_seconds", "Carrier accepted to final receipt, by arm",
                       {{"flag", ticket.flag}, {"arm", std::string(routing::ToString(ticket.arm))}})
        .Observe(static_cast<double>(*latency_ms) / 1000.0);
  }
}

void CanaryWatch::Judge(const std::string& flag, Rollout& rollout) {
  if (rollout.halted) return;
  if (auto verdict = rollout.guard.Evaluate(clock_.NowUnixMillis())) Halt(flag, rollout, *verdict);
}

void CanaryWatch::Halt(const std::string& flag, Rollout& rollout, const routing::Verdict& verdict) {
  const int64_t now_ms = clock_.NowUnixMillis();
  rollout.halted = true;
  halts_.Halt(flag);
  const std::string reason(routing::ToString(verdict.reason));
  SetHaltedGauge(flag, true);
  metrics_.Counter("deliverer_canary_halts_total", "Canary roll-outs halted by their guard, by measure",
                   {{"flag", flag}, {"reason", reason}})
      .Inc();
  log::Warn("delivery",
            "canary {} of route {} halted ({}): {}; its messages take the route's own carriers until "
            "it is resumed (deliverer canary resume {})",
            flag, rollout.route, reason, verdict.detail, flag);
  unwritten_[flag] = store::CanaryHalt{flag, rollout.route, reason, verdict.detail, now_ms};
  Persist(flag);
  if (observer_ != nullptr) {
    observer_->OnCanaryEvent(routing::CanaryEvent{flag, rollout.route, true, reason, verdict.detail,
                                                  verdict.canary, verdict.control, now_ms});
  }
}

void CanaryWatch::Persist(const std::string& flag) {
  const auto it = unwritten_.find(flag);
  if (it == unwritten_.end() || writing_.contains(flag)) return;
  writing_.insert(flag);
  const store::CanaryHalt& halt = it->second;
  store::AuditEntry audit{0, halt.halted_at_ms, "", "", "local", "canary.halt", flag, flag};
  store_.HaltCanary(halt, std::move(audit), [this, flag](Status written) {
    boost::asio::post(io_, [this, flag, written = std::move(written)] {
      writing_.erase(flag);
      if (written.ok()) {
        unwritten_.erase(flag);
        return;
      }
      // In force in this process meanwhile; a restart before a write succeeds forgets it.
      log::Error("delivery", "cannot record the halt of canary {} ({}): trying again", flag,
                 written.error().code);
    });
  });
}

void CanaryWatch::Resumed(const std::string& flag, Rollout& rollout) {
  rollout.halted = false;
  rollout.guard.Reset();  // the samples that halted it must not halt it again
  SetHaltedGauge(flag, false);
  log::Info("delivery", "canary {} of route {} resumed: its window starts afresh", flag, rollout.route);
  if (observer_ != nullptr) {
    routing::CanaryEvent event;
    event.flag = flag;
    event.route = rollout.route;
    event.halted = false;
    event.at_ms = clock_.NowUnixMillis();
    observer_->OnCanaryEvent(event);
  }
}

void CanaryWatch::SetHaltedGauge(const std::string& flag, bool halted) {
  metrics_.Gauge("deliverer_canary_halted", kHaltedHelp, {{"flag", flag}}).Set(halted ? 1 : 0);
}

void CanaryWatch::Sync() {
  const auto router = router_.Get();
  for (const routing::RouteRule& rule : router->routes()) {
    if (!rule.canary) continue;
    Rollout* rollout = Find(rule.canary->flag);
    if (rollout == nullptr) continue;  // a reload between the two reads removed it
    rollout->guard.Reconfigure(rule.canary->guard);
    rollout->route = rule.match;
  }
  for (const auto& [flag, halt] : unwritten_) Persist(flag);
  const uint64_t version = halts_.version();
  auto stored = store_.ListCanaryHalts();
  if (!stored.ok()) {
    if (!std::exchange(store_unreadable_, true)) {
      log::Warn("delivery", "cannot read the halted canaries: {}", stored.error().code);
    }
    return;
  }
  store_unreadable_ = false;
  std::set<std::string, std::less<>> flags;
  for (const store::CanaryHalt& halt : *stored) flags.insert(halt.flag);
  for (const auto& [flag, halt] : unwritten_) flags.insert(flag);
  halts_.ReplaceIf(version, std::move(flags));
  const std::set<std::string, std::less<>> halted_now = halts_.Flags();
  for (auto& [flag, rollout] : rollouts_) {
    const bool halted = halted_now.contains(flag);
    if (rollout.halted && !halted) {
      Resumed(flag, rollout);
    } else if (!rollout.halted && halted) {
      rollout.halted = true;  // at start-up, or halted by another process
      log::Info("delivery", "canary {} of route {} is halted: its messages take the route's own carriers",
                flag, rollout.route);
    }
  }
  // Every flag ever shown, configured or not (a halt outlives its route until resumed).
  gauged_.insert(halted_now.begin(), halted_now.end());
  for (const std::string& flag : gauged_) {
    const auto rollout = rollouts_.find(flag);
    SetHaltedGauge(flag, rollout != rollouts_.end() ? rollout->second.halted : halted_now.contains(flag));
  }
}

}  // namespace deliverer::delivery
