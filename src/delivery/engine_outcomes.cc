// The delivery engine: what happens after a submit, receipts, link changes and the
// receipt-wait sweep. Inbound messages are in engine_inbound.cc.
#include <boost/asio/post.hpp>

#include "common/log.h"
#include "common/backoff.h"
#include "delivery/engine.h"
#include "delivery/engine_internal.h"

namespace deliverer::delivery {

namespace {

// The carrier numbers segments by their position in the submit; `numbers` maps a position
// back to the message's own segment number (a retry sends only some of them).
std::vector<store::SegmentSubmit> Segments(const std::vector<carriers::AcceptedSegment>& accepted,
                                           const std::vector<int>& numbers) {
  std::vector<store::SegmentSubmit> out;
  out.reserve(accepted.size());
  for (const auto& a : accepted) {
    int number = a.index;
    if (a.index >= 0 && static_cast<size_t>(a.index) < numbers.size()) number = numbers[static_cast<size_t>(a.index)];
    out.push_back(store::SegmentSubmit{number, a.carrier_id, a.match_key});
  }
  return out;
}

std::string_view StatusLabel(model::Status status) {
  return status == model::Status::kSent ? "intermediate" : model::ToString(status);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Submit outcomes

void Engine::OnSubmitted(const std::shared_ptr<InFlight>& flight, carriers::SubmitReport report) {
  submitting_.erase(flight->record.id);
  const TimePoint now = clock_.Now();
  const int64_t now_ms = clock_.NowUnixMillis();
  const std::string& carrier = flight->carrier;
  const store::DeliveryRecord& record = flight->record;
  using Kind = carriers::SubmitReport::Kind;
  if (report.kind != Kind::kAccepted && !report.carrier_code.empty()) {
    metrics_.Counter("deliverer_carrier_errors_total", "Carrier errors by command_status",
                     {{"carrier", carrier}, {"code", ErrorCodeLabel(carrier, report.carrier_code)}}).Inc();
  }
  // Segments accepted now, also when others were not: recorded with whatever change
  // follows, so that no retry sends them again.
  std::vector<store::SegmentSubmit> accepted = Segments(report.accepted, flight->segments);
  if (!accepted.empty()) {
    metrics_.Counter("deliverer_segments_sent_total", "Segments accepted by a carrier",
                     {{"carrier", carrier}}).Inc(static_cast<double>(accepted.size()));
  }
  if (flight->arm && report.kind != Kind::kNotSent) {
    canaries_.OnSubmitted(*flight->arm, report.kind != Kind::kAccepted);
    // Remembered now rather than once `sent` is durable: a receipt may come before that.
    if (report.kind == Kind::kAccepted) canaries_.OnSent(record.id, *flight->arm);
  }
  switch (report.kind) {
    case Kind::kAccepted: {
      OnTransition(carrier, circuits_.OnSuccess(carrier, flight->permit, now));
      metrics_.Histogram("deliverer_submit_latency_seconds", "Accept to carrier accepted",
                         {{"carrier", carrier}})
          .Observe(static_cast<double>(now_ms - record.created_at_ms) / 1000.0);
      return Finish(std::move(flight->delivery),
                    SentChange(record, carrier, record.attempts + 1, std::move(accepted), now_ms));
    }
    case Kind::kPermanent: {
      // The carrier answered: the link is sound even if this message is not.
      OnTransition(carrier, circuits_.OnSuccess(carrier, flight->permit, now));
      store::StatusChange change = Terminal(record, model::Status::kFailed, now_ms, carrier,
                                            {"carrier_permanent_error", report.detail, report.carrier_code},
                                            record.attempts + 1);
      change.segments = std::move(accepted);
      return Finish(std::move(flight->delivery), std::move(change));
    }
    case Kind::kTransient:
    case Kind::kUnknown:
      OnTransition(carrier, circuits_.OnFailure(carrier, flight->permit, now));
      return RetryLater(flight, report, std::move(accepted));
    case Kind::kNotSent: {
      // Nothing reached the carrier: try again at once, preferably elsewhere. The same
      // carrier saying so twice in a row waits, so a carrier that claims room it does not
      // have cannot keep the delivery thread spinning.
      circuits_.Release(carrier, flight->permit);
      const auto failed = failed_carriers_.find(record.id);
      const bool again = failed != failed_carriers_.end() && !failed->second.empty() &&
                         failed->second.back() == carrier;
      NoteFailure(record.id, carrier);
      const int64_t at_ms = now_ms + (again ? options_.no_carrier_retry.count() : 0);
      if (!accepted.empty()) return KeepAcceptedThenRequeue(flight, std::move(accepted), at_ms);
      return Requeue(std::move(flight->delivery), at_ms);
    }
  }
}

// An SMSC chooses its command_status freely (2^32 values): past kMaxErrorCodeLabels codes
// per carrier, new ones are counted as "other", so a hostile or broken carrier cannot grow
// the metrics (and what reads them) without bound. The message keeps its exact code.
std::string Engine::ErrorCodeLabel(const std::string& carrier, const std::string& code) {
  std::set<std::string, std::less<>>& seen = error_codes_[carrier];
  if (seen.contains(code)) return code;
  if (seen.size() >= kMaxErrorCodeLabels) return "other";
  seen.insert(code);
  return code;
}

store::StatusChange Engine::SentChange(const store::DeliveryRecord& record, std::string carrier, int attempts,
                                       std::vector<store::SegmentSubmit> segments, int64_t now_ms) const {
  const int64_t ttl_ms = record.expires_at_ms - record.created_at_ms;
  store::StatusChange change;
  change.message_id = record.id;
  change.status = model::Status::kSent;
  change.at_ms = now_ms;
  change.carrier = std::move(carrier);
  change.attempts = attempts;
  change.segments = std::move(segments);
  change.receipt_due_ms = now_ms + (options_.receipt_wait_s > 0 ? options_.receipt_wait_s * 1000 : ttl_ms);
  change.cost = CostAt(change.carrier, record.segments);
  return change;
}

std::optional<model::Price> Engine::CostAt(const std::string& carrier, int segments) const {
  const auto router = router_.Get();  // held while its profile is read
  const routing::CarrierProfile* profile = router->FindCarrier(carrier);
  if (profile == nullptr) return std::nullopt;
  return model::PriceOf(profile->price_per_segment, segments, options_.currency);
}

// Some segments went out before the link failed under the rest: those are recorded (the
// attempt is not counted, nothing was refused), then the rest goes out again.
void Engine::KeepAcceptedThenRequeue(const std::shared_ptr<InFlight>& flight,
                                     std::vector<store::SegmentSubmit> accepted, int64_t at_ms) {
  store::StatusChange change;
  change.message_id = flight->record.id;
  change.status = model::Status::kQueued;
  change.at_ms = clock_.NowUnixMillis();
  change.carrier = flight->carrier;
  change.attempts = flight->record.attempts;
  change.segments = std::move(accepted);
  RecordThenRequeue(std::move(flight->delivery), std::move(change), at_ms);
}

// The message stays queued in the store whether or not the write succeeds, so the
// delivery comes back either way; a lost write costs an attempt counted again, and
// segments accepted now sent again.
void Engine::RecordThenRequeue(queue::Delivery delivery, store::StatusChange change, int64_t at_ms) {
  std::string carrier = change.carrier;
  delivery_store_.RecordChanges({std::move(change)}, [this, delivery = std::move(delivery), at_ms,
                                                      carrier = std::move(carrier)](auto results) mutable {
    Post([this, delivery = std::move(delivery), at_ms, carrier, result = std::move(results[0])]() mutable {
      if (!result.ok()) log::WarnFor("delivery", delivery.message_id, "cannot record the attempt");
      // Receipts parked for the segments recorded now may have ended the message.
      if (result.ok() && result->settled) {
        CountReceiptOutcome(delivery.message_id, carrier, *result->settled, result->created_at_ms);
      }
      Requeue(std::move(delivery), at_ms);
    });
  });
}

void Engine::RetryLater(const std::shared_ptr<InFlight>& flight, const carriers::SubmitReport& report,
                        std::vector<store::SegmentSubmit> accepted) {
  const store::DeliveryRecord& record = flight->record;
  const int64_t now_ms = clock_.NowUnixMillis();
  const int attempts = record.attempts + 1;
  const store::MessageError error{"carrier_transient_error", report.detail, report.carrier_code};
  NoteFailure(record.id, flight->carrier);
  // A segment still unaccepted went out in every attempt so far: `attempts` is the count
  // of the segment tried most, and the message fails when that one has used them all.
  if (attempts >= options_.max_attempts) {
    store::StatusChange change = Terminal(record, model::Status::kFailed, now_ms, flight->carrier,
                                          {"attempts_exhausted", report.detail, report.carrier_code}, attempts);
    change.segments = std::move(accepted);
    return Finish(std::move(flight->delivery), std::move(change));
  }
  const int64_t at_ms =
      now_ms + FullJitter(attempts, options_.backoff_base, options_.backoff_cap, random_).count();
  if (at_ms >= record.expires_at_ms) {
    store::StatusChange change =
        Terminal(record, model::Status::kExpired, now_ms, flight->carrier,
                 {"ttl_expired", "the TTL passes before the next attempt", report.carrier_code}, attempts);
    change.segments = std::move(accepted);
    return Finish(std::move(flight->delivery), std::move(change));
  }
  metrics_.Counter("deliverer_retries_total", "Submit retries", {{"carrier", flight->carrier}}).Inc();
  store::StatusChange change;
  change.message_id = record.id;
  change.status = model::Status::kQueued;
  change.at_ms = now_ms;
  change.attempts = attempts;
  change.error = error;
  change.carrier = flight->carrier;
  change.segments = std::move(accepted);
  queue::Delivery delivery = std::move(flight->delivery);
  delivery.attempt = attempts;
  RecordThenRequeue(std::move(delivery), std::move(change), at_ms);
}

void Engine::Finish(queue::Delivery delivery, store::StatusChange change) {
  failed_carriers_.erase(delivery.message_id);  // it is sent or final: no more retries
  delivery_store_.RecordChanges({change}, [this, delivery = std::move(delivery), change](auto results) mutable {
    Post([this, delivery = std::move(delivery), change = std::move(change), result = std::move(results[0])]() mutable {
      --in_flight_;
      Unclaim(delivery);
      if (!result.ok()) {
        // Not durable: the message keeps its old status; try the whole step again.
        log::WarnFor("delivery", delivery.message_id, "cannot record status {}", model::ToString(change.status));
        queue_.Retry(std::move(delivery), clock_.NowUnixMillis() + options_.no_carrier_retry.count());
        return;
      }
      if (result->applied()) {
        CountFinal(change.status, change.carrier, change.error ? change.error->code : "");
        LogOutcome(delivery.message_id, change.status, change.carrier, change.error);
      }
      // Receipts that came before the submit was recorded may have ended it just now.
      if (result->settled) {
        CountReceiptOutcome(delivery.message_id, change.carrier, *result->settled, result->created_at_ms);
      }
      queue_.Ack(delivery);
    });
  });
}

void Engine::CountFinal(model::Status status, const std::string& carrier, const std::string& reason,
                        double count) {
  switch (status) {
    case model::Status::kSent:
      metrics_.Counter("deliverer_messages_sent_total", "Messages accepted by a carrier",
                       {{"carrier", carrier}}).Inc(count);
      break;
    case model::Status::kFailed:
    case model::Status::kRejected:
      metrics_.Counter("deliverer_messages_failed_total", "Messages failed",
                       {{"carrier", carrier}, {"reason", reason}}).Inc(count);
      break;
    case model::Status::kExpired:
      metrics_.Counter("deliverer_messages_expired_total", "Messages expired").Inc(count);
      break;
    default:
      break;
  }
}

void Engine::CountReceiptOutcome(const std::string& message_id, const std::string& carrier, model::Status status,
                                 int64_t created_at_ms) {
  if (model::IsTerminal(status)) canaries_.OnEnded(message_id, status, /*by_receipt=*/true);
  if (status == model::Status::kDelivered) {
    metrics_.Counter("deliverer_messages_delivered_total", "Messages delivered", {{"carrier", carrier}}).Inc();
    metrics_.Histogram("deliverer_delivery_latency_seconds", "Accept to delivered", {{"carrier", carrier}})
        .Observe(static_cast<double>(clock_.NowUnixMillis() - created_at_ms) / 1000.0);
  } else if (model::IsTerminal(status)) {
    CountFinal(status, carrier, "receipt");
  }
}

void Engine::OnTransition(const std::string& carrier, const std::optional<routing::Transition>& t) {
  if (!t) return;
  if (t->to == routing::CircuitState::kOpen) {
    log::Warn("delivery", "circuit open for carrier {} ({}), traffic moves to the next carrier for {} ms",
              carrier, routing::ToString(t->reason), t->cool_down.count());
  } else if (t->to == routing::CircuitState::kClosed) {
    log::Info("delivery", "circuit closed again for carrier {}", carrier);
  }
  metrics_.Gauge("deliverer_circuit_open", "1 while a carrier's circuit is open", {{"carrier", carrier}})
      .Set(t->to == routing::CircuitState::kClosed ? 0 : 1);
  const bool opened = t->to == routing::CircuitState::kOpen && t->from != routing::CircuitState::kHalfOpen;
  const bool closed = t->to == routing::CircuitState::kClosed;
  if (circuit_observer_ != nullptr && (opened || closed)) {
    circuit_observer_->OnCircuitEvent(routing::CircuitEvent{carrier, opened, std::string(routing::ToString(t->reason)),
                                                            t->cool_down.count(), clock_.NowUnixMillis()});
  }
}

// ---------------------------------------------------------------------------------------
// From the carriers

void Engine::OnReceipt(const std::string& carrier, carriers::CarrierReceipt receipt, carriers::Ack ack) {
  const model::Status status = receipt.status;
  store::ReceiptIn in{carrier, std::move(receipt.carrier_id), std::move(receipt.match_key), status,
                      std::move(receipt.carrier_code), clock_.NowUnixMillis()};
  delivery_store_.ApplyReceipts({std::move(in)}, [this, carrier, status, ack = std::move(ack)](auto results) {
    const bool ok = results[0].ok();
    ack(ok);  // deliver_sm_resp only now: the receipt is durable (R10)
    if (!ok) return;
    Post([this, carrier, status, result = std::move(*results[0])] {
      metrics_.Counter("deliverer_dlr_received_total", "Delivery receipts received",
                       {{"carrier", carrier}, {"status", std::string(StatusLabel(status))}}).Inc();
      if (result.kind == store::ReceiptResult::Kind::kParked) {
        metrics_.Counter("deliverer_dlr_unmatched_total", "Delivery receipts for unknown ids",
                         {{"carrier", carrier}}).Inc();
      }
      if (result.kind != store::ReceiptResult::Kind::kApplied) return;
      CountReceiptOutcome(result.message_id, carrier, result.status, result.created_at_ms);
      LogOutcome(result.message_id, result.status, carrier, std::nullopt);
    });
  });
}

void Engine::OnLinkChange(const std::string& carrier, int links_up) {
  if (links_up == 0 && !stopping_) OnTransition(carrier, circuits_.OnLinkDown(carrier, clock_.Now()));
  RefreshSnapshot();
  if (links_up > 0) Pump();
}

// ---------------------------------------------------------------------------------------
// Receipt wait and TTL

void Engine::ExpireAll(const std::vector<std::string>& ids, model::Status from, store::MessageError error,
                       int64_t now_ms) {
  if (ids.empty()) return;
  std::vector<store::StatusChange> changes;
  for (const std::string& id : ids) {
    store::StatusChange change;
    change.message_id = id;
    change.status = model::Status::kExpired;
    change.only_from = from;
    change.at_ms = now_ms;
    change.error = error;
    change.detail = error.code;
    changes.push_back(std::move(change));
  }
  delivery_store_.RecordChanges(std::move(changes), [this, ids, error, from](auto results) {
    std::vector<std::string> expired;
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].ok() && results[i]->applied()) expired.push_back(ids[i]);
    }
    if (expired.empty()) return;
    Post([this, expired = std::move(expired), error, from] {
      CountFinal(model::Status::kExpired, "", "", static_cast<double>(expired.size()));
      for (const std::string& id : expired) {
        LogOutcome(id, model::Status::kExpired, "", error);
        // Sent, and no receipt within the wait: not delivered, for the canary's guard too.
        if (from == model::Status::kSent) canaries_.OnEnded(id, model::Status::kExpired, /*by_receipt=*/false);
      }
    });
  });
}

// What an operator must see is at warn, with the message id as correlation_id: a message
// that ended without being delivered, and why. The success path is at debug, so the hot
// path writes nothing by default. Only codes: a carrier's free text may quote the number.
void Engine::LogOutcome(const std::string& message_id, model::Status status, const std::string& carrier,
                        const std::optional<store::MessageError>& error) {
  const std::string_view code = error ? std::string_view(error->code) : std::string_view("receipt");
  const std::string_view carrier_code = error ? std::string_view(error->carrier_code) : std::string_view();
  if (status == model::Status::kSent || status == model::Status::kDelivered) {
    log::DebugFor("delivery", message_id, "message {} via {}", model::ToString(status), carrier);
  } else if (model::IsTerminal(status)) {
    log::WarnFor("delivery", message_id, "message {} ({}{}{}){}{}", model::ToString(status), code,
                 carrier_code.empty() ? "" : " ", carrier_code, carrier.empty() ? "" : " via ", carrier);
  }
}

void Engine::Sweep() {
  if (stopping_) return;
  const int64_t now_ms = clock_.NowUnixMillis();
  // First: at start-up this loads the halts before the first message is routed.
  canaries_.Sync();
  SweepParts(now_ms);
  // Sent, and no receipt within the wait: expired / no_receipt (docs/api.md "Statuses").
  if (auto overdue = delivery_store_.ListReceiptOverdue(now_ms, 1000); overdue.ok()) {
    ExpireAll(*overdue, model::Status::kSent, model::NoReceiptError(), now_ms);
  }
  // Still queued past the TTL because no carrier could take them: expired (R4). Those
  // being submitted now went out before their TTL; their outcome decides.
  if (auto late = delivery_store_.ListExpiredQueued(now_ms, 1000); late.ok()) {
    std::erase_if(*late, [this](const std::string& id) { return submitting_.contains(id); });
    ExpireAll(*late, model::Status::kQueued, model::TtlExpiredError(), now_ms);
  }
  ReleaseDue(now_ms);
  RefreshSnapshot();
  sweep_timer_.expires_after(options_.sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Sweep();
  });
}

// Never before send_at: a message is listed only once its time has come. At most one
// sweep late (options_.sweep_interval); a full page asks for the next at once, so a burst
// scheduled for one minute is released at the writer's pace, not a page a sweep.
void Engine::ReleaseDue(int64_t now_ms) {
  constexpr int kPage = 2000;
  auto due = delivery_store_.ListDueScheduled(now_ms, kPage);
  if (!due.ok()) {
    log::Warn("delivery", "cannot read the scheduled messages: {}", due.error().code);
    return;
  }
  if (due->empty()) return;
  std::vector<store::StatusChange> changes;
  changes.reserve(due->size());
  for (const store::QueuedRef& ref : *due) {
    store::StatusChange change;
    change.message_id = ref.id;
    change.status = model::Status::kQueued;
    change.only_from = model::Status::kScheduled;  // a cancel that came first wins
    change.at_ms = now_ms;
    changes.push_back(std::move(change));
  }
  const bool full = due->size() == kPage;
  delivery_store_.RecordChanges(std::move(changes), [this, refs = std::move(*due), full, now_ms](auto results) {
    std::vector<queue::Delivery> released;
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok() || !results[i]->applied()) continue;
      const store::QueuedRef& ref = refs[i];
      // Queued from its release: its wait for a carrier starts at send_at, not at acceptance.
      released.push_back(queue::Delivery{ref.id, ref.to, ref.priority, now_ms, ref.attempts});
    }
    metrics_.Counter("deliverer_messages_released_total", "Scheduled messages queued at their send_at")
        .Inc(static_cast<double>(released.size()));
    // The next page at once only while pages move: a store that fails the writes waits for
    // the next sweep instead of being asked again in a loop.
    const bool more = full && !released.empty();
    if (!released.empty()) queue_.Publish(std::move(released));  // thread-safe; Notify posts
    if (more) Post([this] { if (!stopping_) ReleaseDue(clock_.NowUnixMillis()); });
  });
}

}  // namespace deliverer::delivery
