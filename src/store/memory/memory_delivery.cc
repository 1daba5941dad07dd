// MemoryStore: the delivery side (status changes with their events and outbox rows,
// receipts matched, parked and reconciled, the sweeps) and the webhook outbox. The same
// steps as store/sql/delivery.cc, over maps; what happens to a message is
// model/lifecycle.h's decision.
#include <algorithm>
#include <set>
#include <tuple>

#include "common/ids.h"
#include "model/lifecycle.h"
#include "store/memory/memory_state.h"

namespace deliverer::store::memory {
namespace {

using MsgStatus = model::Status;
using State = MemoryState;

// The event of a change to `status`, and its outbox row when the message has a callback
// and the change is one producers are told of (in the same write: R11).
// The events of sent and of a final status name the carrier the message has once the
// change is made, as the SQLite store's row holds them (store/sql/rows.h ReadHistory);
// the webhook names the change's.
void Announce(State& state, StoredMessage& m, MsgStatus previous, MsgStatus status, int64_t at_ms,
              const std::string& carrier, const std::optional<MessageError>& error,
              const std::string& detail) {
  const std::string& event_carrier = model::IsAnnounced(status) ? m.record.carrier : carrier;
  m.record.events.push_back(MessageEvent{status, at_ms, event_carrier, detail});
  if (m.input.callback_url.empty() || !model::IsAnnounced(status)) return;
  // A producer's SMPP receipt tells the end only (records.h ProducerReceiptUrl).
  if (IsProducerReceiptUrl(m.input.callback_url) && !model::IsTerminal(status)) return;
  StoredWebhook hook;
  hook.job.event_id = NewUuidV7(at_ms);
  hook.job.message_id = m.record.id;
  hook.job.status = status;
  hook.job.previous_status = previous;
  hook.job.at_ms = at_ms;
  hook.job.carrier = carrier;
  hook.job.error = error;
  hook.next_at_ms = at_ms;
  state.webhooks.push_back(std::move(hook));
}

// Moves a message to `status`: a final status records when it ended; an error, carrier or
// attempt count given replaces the one recorded, and one not given leaves it.
void Transition(State& state, StoredMessage& m, MsgStatus status, int64_t at_ms,
                const std::string& carrier, const std::optional<MessageError>& error,
                const std::string& detail, int attempts) {
  const MsgStatus previous = m.record.status;
  MessageRecord& r = m.record;
  r.status = status;
  r.updated_at_ms = at_ms;
  if (!carrier.empty()) r.carrier = carrier;
  r.attempts = std::max(r.attempts, attempts);
  if (model::IsTerminal(status)) r.done_at_ms = at_ms;
  if (error) r.error = error;
  Announce(state, m, previous, status, at_ms, carrier, error, detail);
}

model::SegmentTally TallySegments(const State& state, const std::string& message_id, int segments) {
  std::set<int> delivered;
  bool whole = false;
  for (const auto& [key, submit] : state.submits) {
    if (submit.message_id != message_id || submit.state != MsgStatus::kDelivered) continue;
    delivered.insert(submit.segment);
    if (submit.segment < 0) whole = true;
  }
  return model::SegmentTally{segments, static_cast<int>(delivered.size()), whole};
}

// A receipt whose submit is known: recorded against its segment; the message moves as
// the lifecycle says.
ReceiptResult ApplyMatched(State& state, const std::string& message_id, const ReceiptIn& r,
                           int64_t& pending_delta) {
  ReceiptResult result{ReceiptResult::Kind::kNoChange, message_id, MsgStatus::kSent};
  auto found = state.messages.find(message_id);
  if (found == state.messages.end()) return result;
  StoredMessage& m = found->second;
  const MsgStatus current = m.record.status;
  result.status = current;
  result.created_at_ms = m.record.created_at_ms;
  if (!model::ReceiptCounts(current, r.status)) return result;  // intermediate, duplicate or late
  state.submits.at({r.carrier, r.match_key}).state = r.status;
  const std::optional<MsgStatus> next =
      model::StatusAfterReceipt(r.status, TallySegments(state, message_id, m.record.segments));
  if (!next) return result;  // other segments still on their way
  std::optional<MessageError> error;
  if (*next != MsgStatus::kDelivered) error = model::ReceiptError(*next, r.carrier_code);
  Transition(state, m, *next, r.at_ms, r.carrier, error, r.carrier_code, 0);
  pending_delta += model::WaitingDelta(current, *next);
  result.kind = ReceiptResult::Kind::kApplied;
  result.status = *next;
  return result;
}

// Records the segments a carrier accepted with `c` and applies the receipts parked for
// them; `settled` gets the status the last one that changed the message left.
void RecordSegments(State& state, const StatusChange& c, int64_t& pending_delta,
                    std::optional<MsgStatus>& settled) {
  for (const SegmentSubmit& s : c.segments) {
    state.submits[{c.carrier, s.match_key}] =
        StoredSubmit{c.message_id, s.index, s.carrier_id, MsgStatus::kSent};
  }
  for (const SegmentSubmit& s : c.segments) {
    std::vector<ReceiptIn> parked;
    std::erase_if(state.parked, [&](const ReceiptIn& r) {
      if (r.carrier != c.carrier || r.match_key != s.match_key) return false;
      parked.push_back(r);
      return true;
    });
    for (const ReceiptIn& r : parked) {
      const ReceiptResult applied = ApplyMatched(state, c.message_id, r, pending_delta);
      if (applied.kind == ReceiptResult::Kind::kApplied) settled = applied.status;
    }
  }
}

ChangeOutcome Decide(State& state, StoredMessage& m, const StatusChange& c, int64_t& pending_delta) {
  const MsgStatus current = m.record.status;
  switch (model::DecideChange(current, c.status, c.only_from)) {
    case model::ChangeVerdict::kIgnore:
      return ChangeOutcome::kIgnored;
    case model::ChangeVerdict::kRecordAttempt:
      // The attempt count and the last attempt's error replace the recorded ones.
      m.record.attempts = c.attempts;
      m.record.updated_at_ms = c.at_ms;
      m.record.error = c.error;
      return ChangeOutcome::kApplied;
    case model::ChangeVerdict::kMove:
      break;
  }
  if (c.status == MsgStatus::kSent) {
    MessageRecord& r = m.record;
    r.status = MsgStatus::kSent;
    r.updated_at_ms = c.at_ms;
    if (!c.carrier.empty()) r.carrier = c.carrier;
    r.attempts = std::max(r.attempts, c.attempts);
    r.sent_at_ms = c.at_ms;
    r.error.reset();
    r.cost = c.cost;
    m.receipt_due_ms = c.receipt_due_ms;
    Announce(state, m, current, MsgStatus::kSent, c.at_ms, c.carrier, std::nullopt, {});
  } else {
    Transition(state, m, c.status, c.at_ms, c.carrier, c.error, c.detail, c.attempts);
  }
  pending_delta += model::WaitingDelta(current, c.status);
  return ChangeOutcome::kApplied;
}

}  // namespace

ChangeResult ApplyStatusChange(State& state, const StatusChange& c, int64_t& pending_delta) {
  auto found = state.messages.find(c.message_id);
  if (found == state.messages.end()) return ChangeResult{};
  ChangeResult result{ChangeOutcome::kIgnored, std::nullopt, found->second.record.created_at_ms};
  result.outcome = Decide(state, found->second, c, pending_delta);
  // Whatever became of the status, what the carrier accepted is recorded: a retry must
  // not resend it, and its receipts must find their message.
  if (!c.segments.empty()) RecordSegments(state, c, pending_delta, result.settled);
  return result;
}

ReceiptResult ApplyReceipt(State& state, const ReceiptIn& r, int64_t& pending_delta) {
  auto submit = state.submits.find({r.carrier, r.match_key});
  if (submit != state.submits.end()) return ApplyMatched(state, submit->second.message_id, r, pending_delta);
  state.parked.push_back(r);
  return ReceiptResult{ReceiptResult::Kind::kParked, {}, MsgStatus::kSent};
}

// ---------------------------------------------------------------------------------------
// Writes

// One write applying `apply` to each item in order, like the SQL store's delivery jobs: results in
// input order, the waiting count moved by what the items changed.
template <class In, class Out, class Apply, class Done>
void MemoryStore::SubmitBatch(std::vector<In> items, Apply apply, Done done) {
  Submit([this, items = std::move(items), apply, done = std::move(done)](State& state) mutable {
    std::vector<Result<Out>> results;
    int64_t delta = 0;
    for (const In& item : items) results.emplace_back(apply(state, item, delta));
    pending_.fetch_add(delta, std::memory_order_relaxed);
    return std::function<void()>(
        [done = std::move(done), results = std::move(results)]() mutable { done(std::move(results)); });
  });
}

void MemoryStore::RecordChanges(std::vector<StatusChange> changes, ChangesCallback done) {
  SubmitBatch<StatusChange, ChangeResult>(std::move(changes), ApplyStatusChange, std::move(done));
}

// One process holds a memory store: it delivers everything it accepts, nothing is handed over.
void MemoryStore::TakeHandedOver(int /*limit*/, HandedOverCallback done) {
  Submit([done = std::move(done)](State&) mutable {
    return std::function<void()>([done = std::move(done)] { done(std::vector<QueuedRef>()); });
  });
}

void MemoryStore::ApplyReceipts(std::vector<ReceiptIn> receipts, ReceiptsCallback done) {
  SubmitBatch<ReceiptIn, ReceiptResult>(std::move(receipts), ApplyReceipt, std::move(done));
}

void MemoryStore::CompleteWebhooks(std::vector<WebhookDone> done, StatusCallback callback) {
  Submit([done = std::move(done), callback = std::move(callback)](State& state) mutable {
    for (const WebhookDone& d : done) {
      for (StoredWebhook& hook : state.webhooks) {
        if (hook.job.event_id != d.event_id) continue;
        ++hook.job.attempts;
        if (d.delivered) {
          hook.state = StoredWebhook::State::kDelivered;  // removed below, as SQLite deletes its row
        } else if (d.next_at_ms == 0) {
          hook.state = StoredWebhook::State::kGivenUp;
        } else {
          hook.state = StoredWebhook::State::kPending;
          hook.next_at_ms = d.next_at_ms;
        }
      }
    }
    std::erase_if(state.webhooks, [](const StoredWebhook& hook) { return hook.state == StoredWebhook::State::kDelivered; });
    return std::function<void()>([callback = std::move(callback)] { callback(Status::Ok()); });
  });
}

// ---------------------------------------------------------------------------------------
// Reads

Result<std::optional<DeliveryRecord>> MemoryStore::GetForDelivery(const std::string& id) {
  common::MutexLock lock(state_mutex_);
  auto found = state_->messages.find(id);
  if (found == state_->messages.end()) return std::optional<DeliveryRecord>();
  const StoredMessage& m = found->second;
  DeliveryRecord d;
  static_cast<model::Message&>(d) = m.input;  // as accepted (erasure changes it in place)
  d.id = m.record.id;
  d.account = m.record.account;
  d.status = m.record.status;
  d.attempts = m.record.attempts;
  d.created_at_ms = m.record.created_at_ms;
  d.expires_at_ms = m.expires_at_ms;
  d.compliance_reply = m.input.compliance_reply;
  // Only a multipart message that failed an attempt can have segments accepted already.
  if (d.segments > 1 && d.attempts > 0) {
    std::set<int> accepted;
    for (const auto& [key, submit] : state_->submits) {
      if (submit.message_id == id && submit.segment >= 0) accepted.insert(submit.segment);
    }
    d.accepted_segments.assign(accepted.begin(), accepted.end());
  }
  return std::optional<DeliveryRecord>(std::move(d));
}

Result<std::vector<QueuedRef>> MemoryStore::ListQueued(std::optional<std::pair<int64_t, std::string>> after,
                                                       int limit) {
  common::MutexLock lock(state_mutex_);
  std::vector<const StoredMessage*> queued;
  for (const auto& [id, m] : state_->messages) {
    if (!model::IsWaiting(m.record.status)) continue;
    if (after && std::pair(m.record.created_at_ms, id) <= *after) continue;
    queued.push_back(&m);
  }
  std::sort(queued.begin(), queued.end(), [](const StoredMessage* a, const StoredMessage* b) {
    return std::tie(a->record.created_at_ms, a->record.id) < std::tie(b->record.created_at_ms, b->record.id);
  });
  std::vector<QueuedRef> out;
  for (const StoredMessage* m : queued) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(QueuedRef{m->record.id, m->record.to, m->record.priority, m->record.created_at_ms,
                            m->record.attempts});
  }
  return out;
}

Result<std::vector<QueuedRef>> MemoryStore::ListDueScheduled(int64_t now_ms, int limit) {
  common::MutexLock lock(state_mutex_);
  std::vector<const StoredMessage*> due;
  for (const auto& [id, m] : state_->messages) {
    if (m.record.status == MsgStatus::kScheduled && m.input.send_at_ms <= now_ms) due.push_back(&m);
  }
  std::sort(due.begin(), due.end(), [](const StoredMessage* a, const StoredMessage* b) {
    return std::tie(a->input.send_at_ms, a->seq) < std::tie(b->input.send_at_ms, b->seq);
  });
  if (due.size() > static_cast<size_t>(limit)) due.resize(static_cast<size_t>(limit));
  std::vector<QueuedRef> out;
  for (const StoredMessage* m : due) {
    out.push_back(QueuedRef{m->record.id, m->record.to, m->record.priority, m->record.created_at_ms,
                            m->record.attempts});
  }
  return out;
}

Result<std::vector<std::string>> MemoryStore::ListExpiredQueued(int64_t now_ms, int limit) {
  common::MutexLock lock(state_mutex_);
  std::vector<std::string> out;
  for (const auto& [id, m] : state_->messages) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (model::IsWaiting(m.record.status) && m.expires_at_ms <= now_ms) out.push_back(id);
  }
  return out;
}

Result<std::vector<std::string>> MemoryStore::ListReceiptOverdue(int64_t now_ms, int limit) {
  common::MutexLock lock(state_mutex_);
  std::vector<const StoredMessage*> overdue;
  for (const auto& [id, m] : state_->messages) {
    if (m.record.status == MsgStatus::kSent && m.receipt_due_ms <= now_ms) overdue.push_back(&m);
  }
  std::stable_sort(overdue.begin(), overdue.end(), [](const StoredMessage* a, const StoredMessage* b) {
    return a->receipt_due_ms < b->receipt_due_ms;
  });
  std::vector<std::string> out;
  for (const StoredMessage* m : overdue) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(m->record.id);
  }
  return out;
}

Result<int64_t> MemoryStore::UnmatchedReceipts() {
  common::MutexLock lock(state_mutex_);
  return static_cast<int64_t>(state_->parked.size());
}

Result<std::vector<WebhookJob>> MemoryStore::DueWebhooks(int64_t now_ms, int limit,
                                                         const std::vector<std::string>& skip_accounts) {
  common::MutexLock lock(state_mutex_);
  std::vector<const StoredWebhook*> due;
  for (const StoredWebhook& hook : state_->webhooks) {
    if (hook.state != StoredWebhook::State::kPending || hook.next_at_ms > now_ms) continue;
    std::string account = hook.job.account;
    if (hook.job.inbound) {
      if (!state_->inbound.contains(hook.job.message_id) || IsProducerReceiptUrl(hook.job.url)) continue;
    } else {
      auto m = state_->messages.find(hook.job.message_id);
      if (m == state_->messages.end() || IsProducerReceiptUrl(m->second.input.callback_url)) continue;
      account = m->second.record.account;
    }
    if (std::find(skip_accounts.begin(), skip_accounts.end(), account) != skip_accounts.end()) continue;
    due.push_back(&hook);
  }
  std::stable_sort(due.begin(), due.end(), [](const StoredWebhook* a, const StoredWebhook* b) {
    return a->next_at_ms < b->next_at_ms;
  });
  std::vector<WebhookJob> jobs;
  for (const StoredWebhook* hook : due) {
    if (static_cast<int>(jobs.size()) >= limit) break;
    WebhookJob job = hook->job;
    if (job.inbound) {
      // Read now, as SQLite joins it: an erasure since the event was written shows.
      const InboundRecord& in = state_->inbound.at(job.message_id);
      job.inbound = InboundEvent{in.from, in.to, in.body};
      jobs.push_back(std::move(job));
      continue;
    }
    const StoredMessage& m = state_->messages.at(hook->job.message_id);
    job.account = m.record.account;
    job.url = m.input.callback_url;
    job.segments = m.record.segments;
    job.client_ref = m.record.client_ref;
    job.created_at_ms = m.record.created_at_ms;
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::vector<ProducerReceiptJob>> MemoryStore::DueProducerReceipts(const std::string& system_id, int64_t now_ms,
                                                                        int limit) {
  common::MutexLock lock(state_mutex_);
  const std::string all = ProducerReceiptUrl(system_id, false);
  const std::string failed = ProducerReceiptUrl(system_id, true);
  std::vector<const StoredWebhook*> due;
  for (const StoredWebhook& hook : state_->webhooks) {
    if (hook.state != StoredWebhook::State::kPending || hook.job.inbound || hook.next_at_ms > now_ms) continue;
    auto m = state_->messages.find(hook.job.message_id);
    if (m == state_->messages.end()) continue;
    const std::string& url = m->second.input.callback_url;
    if (url == all || url == failed) due.push_back(&hook);
  }
  std::stable_sort(due.begin(), due.end(), [](const StoredWebhook* a, const StoredWebhook* b) {
    return a->job.at_ms < b->job.at_ms;
  });
  std::vector<ProducerReceiptJob> jobs;
  for (const StoredWebhook* hook : due) {
    if (static_cast<int>(jobs.size()) >= limit) break;
    const StoredMessage& m = state_->messages.at(hook->job.message_id);
    ProducerReceiptJob j;
    j.event_id = hook->job.event_id;
    j.message_id = hook->job.message_id;
    j.account = m.record.account;
    j.failures_only = m.input.callback_url == failed;
    j.from = m.record.from;
    j.to = m.record.to;
    j.status = hook->job.status;
    j.error = hook->job.error;
    j.segments = m.record.segments;
    j.submitted_at_ms = m.record.created_at_ms;
    j.done_at_ms = hook->job.at_ms;
    j.attempts = hook->job.attempts;
    j.text = m.input.body;
    jobs.push_back(std::move(j));
  }
  return jobs;
}

Result<std::vector<ProducerInboundJob>> MemoryStore::DueProducerInbound(const std::string& account, int64_t now_ms,
                                                                      int limit) {
  common::MutexLock lock(state_mutex_);
  const std::string url = ProducerInboundUrl(account);
  std::vector<const StoredWebhook*> due;
  for (const StoredWebhook& hook : state_->webhooks) {
    if (hook.state != StoredWebhook::State::kPending || !hook.job.inbound || hook.job.url != url) continue;
    if (hook.next_at_ms > now_ms || !state_->inbound.contains(hook.job.message_id)) continue;
    due.push_back(&hook);
  }
  std::stable_sort(due.begin(), due.end(), [](const StoredWebhook* a, const StoredWebhook* b) {
    return a->job.at_ms < b->job.at_ms;
  });
  std::vector<ProducerInboundJob> jobs;
  for (const StoredWebhook* hook : due) {
    if (static_cast<int>(jobs.size()) >= limit) break;
    const InboundRecord& in = state_->inbound.at(hook->job.message_id);
    jobs.push_back(ProducerInboundJob{hook->job.event_id, in.id, in.from, in.to, in.body, in.at_ms, hook->job.attempts});
  }
  return jobs;
}

Result<int64_t> MemoryStore::PendingWebhooks() {
  common::MutexLock lock(state_mutex_);
  return static_cast<int64_t>(std::count_if(state_->webhooks.begin(), state_->webhooks.end(),
                                            [](const StoredWebhook& h) {
                                              return h.state == StoredWebhook::State::kPending;
                                            }));
}

Result<std::optional<std::string>> MemoryStore::AccountWebhookSecret(const std::string&) {
  return std::optional<std::string>();
}

}  // namespace deliverer::store::memory
