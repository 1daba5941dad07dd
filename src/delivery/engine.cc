// The delivery engine: lifecycle, taking work off the queue, routing and submitting.
// Outcomes, receipts and inbound messages are in engine_outcomes.cc.
#include "delivery/engine.h"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "common/log.h"
#include "delivery/engine_internal.h"
#include "text/smart_encoding.h"

namespace deliverer::delivery {

namespace asio = boost::asio;

Engine::Engine(asio::io_context& io, EngineOptions options, EngineDeps deps)
    : io_(io),
      options_(std::move(options)),
      delivery_store_(deps.delivery_store),
      inbound_store_(deps.inbound_store),
      suppressions_(deps.suppressions),
      queue_(deps.queue),
      router_(deps.router),
      circuits_(deps.circuits),
      metrics_(deps.metrics),
      clock_(deps.clock),
      circuit_observer_(deps.circuit_observer),
      smpp_credentials_(deps.smpp_credentials),
      own_claims_(deps.claims == nullptr ? std::make_unique<queue::Claims>() : nullptr),
      claims_(deps.claims != nullptr ? *deps.claims : *own_claims_),
      keywords_(options_.extra_opt_out_keywords),
      canary_halts_(deps.canary_halts),
      canaries_(io, deps.canary_store, deps.canary_halts, deps.router, deps.canary_observer, deps.metrics,
                deps.clock),
      random_(static_cast<uint64_t>(deps.clock.NowUnixMillis())),
      retry_timer_(io),
      sweep_timer_(io) {
  queue_.Subscribe(this);
}

Engine::~Engine() { queue_.Subscribe(nullptr); }

void Engine::AddCarrier(std::unique_ptr<carriers::Carrier> carrier) {
  std::string id = carrier->id();
  carriers_.emplace(std::move(id), std::move(carrier));
}

Status Engine::Recover() {
  std::optional<std::pair<int64_t, std::string>> after;
  size_t total = 0;
  for (;;) {
    auto page = delivery_store_.ListQueued(after, 5000);
    if (!page.ok()) return page.error();
    if (page->empty()) break;
    std::vector<queue::Delivery> deliveries;
    deliveries.reserve(page->size());
    for (const store::QueuedRef& ref : *page) {
      deliveries.push_back(queue::Delivery{ref.id, ref.to, ref.priority, ref.created_at_ms, ref.attempts});
    }
    after = std::make_pair(page->back().created_at_ms, page->back().id);
    total += deliveries.size();
    queue_.Publish(std::move(deliveries));
  }
  if (total > 0) log::Info("delivery", "recovered {} queued messages", total);
  return Status::Ok();
}

void Engine::Start() {
  for (auto& [id, carrier] : carriers_) carrier->Start();
  RefreshSnapshot();
  Sweep();
  Notify();
}

void Engine::Stop(Millis drain, std::function<void()> done) {
  Post([this, drain, done = std::move(done)]() mutable {
    stopping_ = true;
    retry_timer_.cancel();
    sweep_timer_.cancel();
    on_drained_ = std::move(done);
    auto remaining = std::make_shared<size_t>(carriers_.size());
    auto all_stopped = [this] { WaitForWrites(Millis(2'000)); };
    if (*remaining == 0) return all_stopped();
    for (auto& [id, carrier] : carriers_) {
      carrier->Stop(drain, [remaining, all_stopped] {
        if (--*remaining == 0) all_stopped();
      });
    }
  });
}

// The carriers answered every submit; their outcomes' store writes may still be on the
// way. Wait for them (bounded), so a restart finds every retry scheduled.
void Engine::WaitForWrites(Millis budget) {
  if (in_flight_ == 0 || budget <= Millis(0)) {
    if (on_drained_) std::exchange(on_drained_, nullptr)();
    return;
  }
  sweep_timer_.expires_after(Millis(20));
  sweep_timer_.async_wait([this, budget](boost::system::error_code) { WaitForWrites(budget - Millis(20)); });
}

// ---------------------------------------------------------------------------------------
// Taking work

void Engine::Notify() {
  if (!pump_posted_.exchange(true)) {
    Post([this] {
      pump_posted_ = false;
      Pump();
    });
  }
}

bool Engine::AnyCarrierCanSubmit() const {
  for (const auto& [id, carrier] : carriers_) {
    if (carrier->CanSubmit()) return true;
  }
  return false;
}

// One delivery at a time, because each submit may be the one that fills the carriers: a
// delivery taken when none has room would go back to the queue, freeing its destination
// for that destination's next message to overtake it.
void Engine::Pump() {
  if (stopping_) return;
  while (in_flight_ < options_.max_in_flight && AnyCarrierCanSubmit()) {
    std::vector<queue::Delivery> taken = queue_.Take(clock_.NowUnixMillis(), 1);
    if (taken.empty()) break;
    Dispatch(std::move(taken.front()));
  }
  ArmRetryTimer();
}

void Engine::ArmRetryTimer() {
  const std::optional<int64_t> next = queue_.NextRetryAt();
  if (!next || *next >= retry_timer_at_ || stopping_) return;
  retry_timer_at_ = *next;
  retry_timer_.expires_after(Millis(std::max<int64_t>(0, *next - clock_.NowUnixMillis())));
  retry_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    retry_timer_at_ = INT64_MAX;
    Pump();
  });
}

void Engine::Dispatch(queue::Delivery delivery) {
  ++in_flight_;
  const int64_t now_ms = clock_.NowUnixMillis();
  if (!claims_.ClaimForDelivery(delivery.message_id)) {
    // A cancel is deciding: it commits within a write, then this finds it canceled.
    Requeue(std::move(delivery), now_ms + kCancelPendingRetry.count());
    return;
  }
  auto found = delivery_store_.GetForDelivery(delivery.message_id);
  if (!found.ok()) {
    log::WarnFor("delivery", delivery.message_id, "cannot read the message: {}", found.error().code);
    Requeue(std::move(delivery), now_ms + options_.no_carrier_retry.count());
    return;
  }
  if (!found->has_value() || !model::IsWaiting((*found)->status)) {
    --in_flight_;  // finished already (e.g. recovered twice, expired or canceled while waiting)
    failed_carriers_.erase(delivery.message_id);
    Unclaim(delivery);
    queue_.Ack(delivery);
    return;
  }
  store::DeliveryRecord record = std::move(**found);
  if (now_ms >= record.expires_at_ms) {
    return Finish(std::move(delivery), Terminal(record, model::kStatusAfterTtl, now_ms, "", model::TtlExpiredError()));
  }
  // Also for messages queued before the opt-out (S11). Only the gateway's own replies to a
  // keyword MO pass: the confirmation of a STOP goes to a number that is now suppressed.
  if (record.compliance_reply.empty()) {
    auto suppressed = suppressions_.IsSuppressed(record.account, record.to);
    if (!suppressed.ok()) {
      // Unknown is not "not suppressed": wait rather than risk sending to an opted-out number.
      log::WarnFor("delivery", record.id, "cannot read the suppression list: {}", suppressed.error().code);
      Requeue(std::move(delivery), now_ms + options_.no_carrier_retry.count());
      return;
    }
    if (*suppressed) {
      return Finish(std::move(delivery),
                    Terminal(record, model::Status::kRejected, now_ms, "",
                             {"recipient_suppressed", "the recipient opted out after it was accepted", ""}));
    }
  }
  const auto router = router_.Get();
  const auto health = circuits_.ViewAt(clock_.Now());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const routing::Plan plan = router->Route(
      routing::RouteRequest{record.to, record.to_region, record.segments, uniform(random_), record.id},
      health, canary_halts_);
  if (plan.status == routing::PlanStatus::kNoRoute || plan.status == routing::PlanStatus::kNoCarrier) {
    return Finish(std::move(delivery),
                  Terminal(record, model::Status::kFailed, now_ms, "",
                           {"no_route", std::string("no carrier serves this destination (") +
                                            std::string(routing::ToString(plan.status)) + ")", ""}));
  }
  if (plan.circuit_fallback) {
    metrics_.Counter("deliverer_circuit_fallbacks_total", "Messages routed past an open circuit",
                     {{"route", plan.route}}).Inc();
  }
  carriers::Carrier* carrier = PickCarrier(plan, delivery.message_id);
  if (carrier == nullptr) {
    // Every candidate is down or full: wait without spending an attempt; the TTL check
    // above ends the wait.
    Requeue(std::move(delivery), now_ms + options_.no_carrier_retry.count());
    return;
  }
  std::optional<ArmTicket> arm = CanaryWatch::TicketOf(plan, carrier->id());
  SubmitTo(*carrier, std::move(delivery), std::move(record), std::move(arm));
}

// After failures, the route's first carrier that has not failed this message; when all
// of those that can take it have, the one whose failure is oldest, so retries rotate.
carriers::Carrier* Engine::PickCarrier(const routing::Plan& plan, const std::string& message_id) {
  const auto failed = failed_carriers_.find(message_id);
  carriers::Carrier* fallback = nullptr;
  size_t fallback_rank = SIZE_MAX;
  for (const routing::Candidate& candidate : plan.candidates) {
    auto it = carriers_.find(candidate.carrier);
    if (it == carriers_.end() || !it->second->CanSubmit()) continue;
    if (failed == failed_carriers_.end()) return it->second.get();
    const auto& list = failed->second;
    const auto at = std::find(list.begin(), list.end(), candidate.carrier);
    if (at == list.end()) return it->second.get();
    const size_t rank = static_cast<size_t>(at - list.begin());
    if (rank < fallback_rank) {
      fallback = it->second.get();
      fallback_rank = rank;
    }
  }
  return fallback;
}

void Engine::NoteFailure(const std::string& message_id, const std::string& carrier) {
  auto& list = failed_carriers_[message_id];
  std::erase(list, carrier);
  list.push_back(carrier);  // the most recent failure goes last
}

uint16_t ConcatReferenceOf(std::string_view message_id) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (char c : message_id) hash = (hash ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<uint16_t>(hash ^ (hash >> 16));
}

void Engine::SubmitTo(carriers::Carrier& carrier, queue::Delivery delivery, store::DeliveryRecord record,
                      std::optional<ArmTicket> arm) {
  const int64_t now_ms = clock_.NowUnixMillis();
  // The producer's body, or its smart-encoded text when ingest chose that: the stored
  // encoding says which (text::OutgoingText), so what goes out has the encoding and the
  // segments the API reported.
  std::string outgoing = text::OutgoingText(record.body, record.encoding);
  auto encoded = text::Encode(outgoing, ConcatReferenceOf(record.id));
  if (!encoded.ok() || encoded->segments.empty()) {
    return Finish(std::move(delivery), Terminal(record, model::Status::kFailed, now_ms, "",
                                                 {"encoding_error", "the body cannot be encoded", ""}));
  }
  routing::Permit permit = circuits_.Acquire(carrier.id(), clock_.Now());
  if (!permit.allowed) {
    Requeue(std::move(delivery), now_ms + options_.no_carrier_retry.count());
    return;
  }
  carriers::CarrierSubmit submit;
  submit.message_id = record.id;
  submit.from = record.from;
  submit.to = record.to;
  submit.text = std::move(outgoing);  // HTTP carriers send it whole
  submit.encoding = encoded->encoding;
  submit.flash = record.type == model::MessageType::kFlash;
  // Segments accepted by an earlier attempt are not sent again (docs/smpp-mapping.md).
  std::vector<int> numbers;
  for (size_t i = 0; i < encoded->segments.size(); ++i) {
    const int number = static_cast<int>(i);
    if (std::find(record.accepted_segments.begin(), record.accepted_segments.end(), number) !=
        record.accepted_segments.end()) {
      continue;
    }
    submit.segments.push_back(std::move(encoded->segments[i]));
    numbers.push_back(number);
  }
  if (numbers.empty()) {
    // Every segment is at the carrier already (an attempt's record of the last ones was
    // lost): nothing to send, the message is sent.
    circuits_.Release(carrier.id(), permit);
    return Finish(std::move(delivery), SentChange(record, carrier.id(), record.attempts, {}, now_ms));
  }
  submit.validity_s = std::max<int64_t>(1, (record.expires_at_ms - now_ms) / 1000);
  submitting_.insert(record.id);
  auto flight = std::make_shared<InFlight>(
      InFlight{std::move(delivery), std::move(record), carrier.id(), permit, std::move(numbers), std::move(arm)});
  carrier.Submit(std::move(submit), [this, flight](carriers::SubmitReport report) {
    OnSubmitted(flight, std::move(report));
  });
}

void Engine::Requeue(queue::Delivery delivery, int64_t at_ms) {
  --in_flight_;
  Unclaim(delivery);
  queue_.Retry(std::move(delivery), at_ms);
}

// ---------------------------------------------------------------------------------------
// Snapshot for the admin API and gauges

void Engine::RefreshSnapshot() {
  std::vector<CarrierView> views;
  const auto circuits = circuits_.Snapshot(clock_.Now());
  int up = 0;
  for (const auto& [id, carrier] : carriers_) {
    CarrierView view{carrier->State(), {}};
    for (const auto& c : circuits) {
      if (c.carrier == id) view.circuit = c.snapshot;
    }
    if (view.state.links_up > 0) ++up;
    metrics_.Gauge("deliverer_carrier_links_up", "Binds or connections up", {{"carrier", id}})
        .Set(view.state.links_up);
    metrics_.Gauge("deliverer_carrier_links", "Binds or connections configured", {{"carrier", id}})
        .Set(view.state.links);
    metrics_.Gauge("deliverer_circuit_open", "1 while a carrier's circuit is open", {{"carrier", id}})
        .Set(view.circuit.state == routing::CircuitState::kClosed ? 0 : 1);
    views.push_back(std::move(view));
  }
  carriers_up_ = up;
  common::MutexLock lock(snapshot_mutex_);
  snapshot_ = std::move(views);
}

std::vector<CarrierView> Engine::Snapshot() const {
  common::MutexLock lock(snapshot_mutex_);
  return snapshot_;
}

}  // namespace deliverer::delivery
