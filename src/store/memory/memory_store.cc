// MemoryStore: the store thread, messages (ingest with idempotency, reads, listing),
// suppressions, audit and inbound messages. The delivery side is memory_delivery.cc.
#include "store/memory/memory_store.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "common/ids.h"
#include "common/mask.h"
#include "store/memory/memory_state.h"
#include "store/new_record.h"

namespace deliverer::store::memory {

using MsgStatus = model::Status;
using State = MemoryState;

const StoredMessage& AddMessage(State& state, const NewMessage& m) {
  StoredMessage stored;
  stored.input = m;
  stored.record = AcceptedRecordOf(m);
  stored.expires_at_ms = ExpiresAtOf(m);
  stored.seq = state.next_seq++;
  return state.messages[m.id] = std::move(stored);
}

void AddAudit(State& state, AuditEntry entry) {
  entry.seq = static_cast<int64_t>(state.audit.size()) + 1;
  state.audit.push_back(std::move(entry));
}

void UpsertSuppression(State& state, const Suppression& s) {
  auto [it, inserted] = state.suppressions.try_emplace({s.account, s.number}, s);
  if (!inserted) it->second.reason = s.reason;
}

MemoryStore::MemoryStore() : state_(std::make_unique<State>()), thread_([this] { RunWrites(); }) {}

MemoryStore::~MemoryStore() {
  {
    common::MutexLock lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  thread_.join();
}

void MemoryStore::Submit(Write write) {
  {
    common::MutexLock lock(queue_mutex_);
    queue_.push_back(std::move(write));
  }
  queue_cv_.notify_one();
}

// The store thread: one write at a time, in submission order; its callback after it,
// outside the state lock (a callback may read the store).
void MemoryStore::RunWrites() {
  for (;;) {
    Write write;
    {
      common::MutexLock lock(queue_mutex_);
      queue_cv_.wait(lock.native(), [this] {
        queue_mutex_.AssertHeld();
        return stopping_ || !queue_.empty();
      });
      if (queue_.empty()) return;  // stopping, and every queued write ran
      write = std::move(queue_.front());
      queue_.pop_front();
    }
    std::function<void()> after;
    {
      common::MutexLock lock(state_mutex_);
      after = write(*state_);
    }
    after();
  }
}

// ---------------------------------------------------------------------------------------
// Messages

void MemoryStore::InsertMessages(std::vector<NewMessage> messages, InsertCallback done) {
  Submit([this, messages = std::move(messages), done = std::move(done)](State& state) mutable {
    std::vector<Result<InsertResult>> results;
    std::vector<AuditEntry> sends;
    int64_t created = 0;
    for (const NewMessage& m : messages) {
      auto existing = state.messages.find(m.id);
      if (existing == state.messages.end()) {
        AddMessage(state, m);
        if (m.consumes_parts) {
          std::erase_if(state.inbound_parts, [&](const InboundPart& p) { return p.key == *m.consumes_parts; });
        }
        if (m.rejected) {
          // Never counted as waiting, so the lifecycle's count of its end is not either.
          int64_t never_waiting = 0;
          ApplyStatusChange(state, RejectionOf(m), never_waiting);
        }
        AddSend(sends, m);
        results.emplace_back(InsertResult{InsertOutcome::kCreated, RecordOf(m)});
        // A scheduled message waits only once released; a rejected one never.
        if (!IsScheduled(m) && !m.rejected) ++created;
        continue;
      }
      // The original, as a read without events returns it.
      InsertResult found{InsertOutcome::kConflict, existing->second.record};
      found.record.events.clear();
      const NewMessage& original = existing->second.input;
      if (original.account == m.account && original.payload_hash == m.payload_hash &&
          m.created_at_ms - original.created_at_ms < kIdempotencyWindowMs) {
        found.outcome = InsertOutcome::kReplayed;
        if (m.consumes_parts) {
          std::erase_if(state.inbound_parts, [&](const InboundPart& p) { return p.key == *m.consumes_parts; });
        }
      }
      results.emplace_back(std::move(found));
    }
    for (AuditEntry& entry : sends) AddAudit(state, std::move(entry));
    pending_.fetch_add(created, std::memory_order_relaxed);
    return std::function<void()>(
        [done = std::move(done), results = std::move(results)]() mutable { done(std::move(results)); });
  });
}

void MemoryStore::CancelMessage(CancelRequest request, CancelCallback done) {
  Submit([this, request = std::move(request), done = std::move(done)](State& state) mutable {
    CancelResult result;
    auto found = state.messages.find(request.message_id);
    if (found != state.messages.end() && (!request.account || found->second.record.account == *request.account)) {
      StatusChange change;
      change.message_id = request.message_id;
      change.status = MsgStatus::kCanceled;
      change.only_from = request.only_from;
      change.at_ms = request.at_ms;
      int64_t pending_delta = 0;
      result.outcome = ApplyStatusChange(state, change, pending_delta).applied() ? CancelOutcome::kCanceled
                                                                                  : CancelOutcome::kNotCancelable;
      result.record = found->second.record;
      if (result.outcome == CancelOutcome::kCanceled) {
        AddAudit(state, AuditEntry{0, request.at_ms, request.key_id, result.record.account, request.source_ip,
                                   "message.cancel", request.message_id, request.message_id});
        pending_.fetch_add(pending_delta, std::memory_order_relaxed);
      }
    }
    return std::function<void()>(
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  });
}

Result<std::optional<MessageRecord>> MemoryStore::GetMessage(const std::string& id, bool with_events) {
  common::MutexLock lock(state_mutex_);
  auto found = state_->messages.find(id);
  if (found == state_->messages.end()) return std::optional<MessageRecord>();
  MessageRecord record = found->second.record;
  if (!with_events) record.events.clear();
  return std::optional<MessageRecord>(std::move(record));
}

Result<MessagePage> MemoryStore::ListMessages(const MessageQuery& q) {
  common::MutexLock lock(state_mutex_);
  std::vector<const MessageRecord*> rows;
  for (const auto& [id, m] : state_->messages) {
    const MessageRecord& r = m.record;
    if (q.account && r.account != *q.account) continue;
    if (q.status && r.status != *q.status) continue;
    if (q.to && r.to != *q.to) continue;
    if (q.from && r.from != *q.from) continue;
    if (q.client_ref && r.client_ref != *q.client_ref) continue;
    if (q.since_ms && r.created_at_ms < *q.since_ms) continue;
    if (q.until_ms && r.created_at_ms > *q.until_ms) continue;
    // Newest first: continue strictly below the last row of the previous page.
    if (q.after_created_at_ms && q.after_id &&
        std::tie(r.created_at_ms, r.id) >= std::tie(*q.after_created_at_ms, *q.after_id)) {
      continue;
    }
    rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(), [](const MessageRecord* a, const MessageRecord* b) {
    return std::tie(a->created_at_ms, a->id) > std::tie(b->created_at_ms, b->id);
  });
  MessagePage page;
  for (const MessageRecord* r : rows) {
    if (page.messages.size() == static_cast<size_t>(q.limit)) {
      page.more = true;
      break;
    }
    page.messages.push_back(*r);
    page.messages.back().events.clear();
  }
  return page;
}

// ---------------------------------------------------------------------------------------
// Suppressions and audit

namespace {

// An opt-out of `number` on `account`'s list is held under the number or, once it was
// erased, under ErasedNumber: every match tries both, as SQLite's keyed hash matches both.
using SuppressionKey = std::pair<std::string, std::string>;

std::array<SuppressionKey, 2> SuppressionKeys(const State& state, const std::string& account,
                                              const std::string& number) {
  return {{{account, number}, {account, ErasedNumber(state, number)}}};
}

// False when the number was not on the list.
bool RemoveSuppression(State& state, const std::string& account, const std::string& number) {
  bool removed = false;
  for (const SuppressionKey& key : SuppressionKeys(state, account, number)) {
    removed |= state.suppressions.erase(key) > 0;
  }
  return removed;
}

// The global list's entry for `number`, only when an MO made it; false when none.
bool RemoveGlobalFromMo(State& state, const std::string& number) {
  bool removed = false;
  for (const SuppressionKey& key : SuppressionKeys(state, "", number)) {
    auto global = state.suppressions.find(key);
    if (global == state.suppressions.end() || global->second.source != "mo") continue;
    state.suppressions.erase(global);
    removed = true;
  }
  return removed;
}

}  // namespace

void MemoryStore::PutSuppression(Suppression suppression, AuditEntry audit, StatusCallback done) {
  Submit([s = std::move(suppression), audit = std::move(audit), done = std::move(done)](State& state) mutable {
    UpsertSuppression(state, s);
    AddAudit(state, std::move(audit));
    return std::function<void()>([done = std::move(done)] { done(Status::Ok()); });
  });
}

void MemoryStore::DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                                    StatusCallback done) {
  Submit([account = std::move(account), number = std::move(number), audit = std::move(audit),
          done = std::move(done)](State& state) mutable {
    Status result = Status::Ok();
    if (!RemoveSuppression(state, account, number)) {
      result = Error::Of("not_found", "not on the suppression list");
    } else {
      AddAudit(state, std::move(audit));
    }
    return std::function<void()>([done = std::move(done), result] { done(result); });
  });
}

Result<bool> MemoryStore::IsSuppressed(const std::string& account, const std::string& number) {
  common::MutexLock lock(state_mutex_);
  for (const std::string& list : {account, std::string()}) {
    for (const SuppressionKey& key : SuppressionKeys(*state_, list, number)) {
      if (state_->suppressions.contains(key)) return true;
    }
  }
  return false;
}

Result<std::vector<Suppression>> MemoryStore::ListSuppressions(const SuppressionQuery& q) {
  common::MutexLock lock(state_mutex_);
  // One list ordered by number, or every list ordered by (account, number): the map's order.
  const std::pair<std::string, std::string> after{q.all_accounts ? q.after_account.value_or("") : q.account,
                                                  q.after_number.value_or("")};
  std::vector<Suppression> out;
  for (auto it = state_->suppressions.upper_bound(after); it != state_->suppressions.end(); ++it) {
    if (static_cast<int>(out.size()) >= q.limit) break;
    if (!q.all_accounts && it->first.first != q.account) break;
    out.push_back(it->second);
  }
  return out;
}

void MemoryStore::AppendAudit(AuditEntry entry, StatusCallback done) {
  Submit([entry = std::move(entry), done = std::move(done)](State& state) mutable {
    AddAudit(state, std::move(entry));
    return std::function<void()>([done = std::move(done)] { done(Status::Ok()); });
  });
}

Result<std::vector<AuditEntry>> MemoryStore::ListAudit(const AuditQuery& q) {
  common::MutexLock lock(state_mutex_);
  std::vector<AuditEntry> out;
  for (const AuditEntry& e : state_->audit) {
    if (static_cast<int>(out.size()) >= q.limit) break;
    if (e.at_ms < q.since_ms || (q.until_ms != 0 && e.at_ms >= q.until_ms) || e.seq <= q.after_seq) continue;
    if ((!q.action.empty() && e.action != q.action) || (!q.key_id.empty() && e.key_id != q.key_id) ||
        (!q.account.empty() && e.account != q.account)) {
      continue;
    }
    out.push_back(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Inbound

namespace {

AuditEntry MoAudit(const InboundRecord& in, const std::string& account, std::string action,
                   const std::string& number) {
  return AuditEntry{0, in.at_ms, "", account, "", std::move(action), MaskNumber(number), in.id};
}

}  // namespace

void MemoryStore::RecordInbound(InboundRecord inbound, InboundEffects effects, InboundCallback done) {
  Submit([this, in = std::move(inbound), fx = std::move(effects), done = std::move(done)](State& state) mutable {
    // All or nothing: the one way this write can fail is checked before anything changes.
    if (fx.reply && state.messages.contains(fx.reply->message.id)) {
      Result<InboundOutcome> failed = Error::Of("storage_error", "message id " + fx.reply->message.id + " exists");
      return std::function<void()>(
          [done = std::move(done), failed = std::move(failed)]() mutable { done(std::move(failed)); });
    }
    if (fx.consumes) {
      // The parts go in the commit that records their message; none left: recorded already.
      const size_t erased = std::erase_if(state.inbound_parts,
                                          [&](const InboundPart& p) { return p.key == *fx.consumes; });
      if (erased == 0) {
        Result<InboundOutcome> recorded = InboundOutcome{.already_recorded = true};
        return std::function<void()>(
            [done = std::move(done), recorded = std::move(recorded)]() mutable { done(std::move(recorded)); });
      }
    }
    state.inbound.try_emplace(in.id, in);  // a carrier's resend of the same MO adds no row
    auto forward = [&](const std::string& url) {
      StoredWebhook hook;
      hook.job.event_id = NewUuidV7(in.at_ms);
      hook.job.message_id = in.id;
      hook.job.account = in.account;
      hook.job.url = url;
      hook.job.at_ms = in.at_ms;
      hook.job.carrier = in.carrier;
      hook.job.created_at_ms = in.at_ms;
      hook.job.inbound = InboundEvent{};
      hook.next_at_ms = in.at_ms;
      state.webhooks.push_back(std::move(hook));
    };
    if (!fx.forward_url.empty() && !in.account.empty()) forward(fx.forward_url);
    if (fx.forward_smpp && !in.account.empty()) forward(ProducerInboundUrl(in.account));
    if (fx.suppress) {
      UpsertSuppression(state, *fx.suppress);
      AddAudit(state, MoAudit(in, fx.suppress->account, "suppression.put", fx.suppress->number));
    } else if (fx.lift) {
      const SuppressionLift& lift = *fx.lift;
      if (!lift.account.empty() && RemoveSuppression(state, lift.account, lift.number)) {
        AddAudit(state, MoAudit(in, lift.account, "suppression.delete", lift.number));
      }
      // The global entry only when an MO made it; an operator's stays.
      if (RemoveGlobalFromMo(state, lift.number)) {
        AddAudit(state, MoAudit(in, "", "suppression.delete", lift.number));
      }
    }
    InboundOutcome outcome;
    if (fx.reply) {
      // Unless a reply of its kind went to the subscriber for the account within the window.
      const NewMessage& m = fx.reply->message;
      const bool recent = std::any_of(state.messages.begin(), state.messages.end(), [&](const auto& entry) {
        const StoredMessage& s = entry.second;
        return s.record.to == m.to && s.record.account == m.account &&
               s.input.compliance_reply == m.compliance_reply && s.record.created_at_ms >= fx.reply->not_since_ms;
      });
      if (!recent) {
        AddMessage(state, m);
        AddAudit(state, AuditEntry{0, m.created_at_ms, "compliance", m.account, "", "message.send", m.id, in.id});
        outcome.reply = QueuedRef{m.id, m.to, m.priority, m.created_at_ms, 0};
        pending_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    Result<InboundOutcome> result = std::move(outcome);
    return std::function<void()>(
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  });
}

Result<std::string> MemoryStore::LastSenderAccount(const std::string& subscriber, const std::string& sender) {
  common::MutexLock lock(state_mutex_);
  const StoredMessage* last = nullptr;
  for (const auto& [id, m] : state_->messages) {
    if (m.record.to != subscriber || m.record.from != sender || !m.input.compliance_reply.empty()) continue;
    if (last == nullptr || std::tie(m.record.created_at_ms, m.seq) > std::tie(last->record.created_at_ms, last->seq)) {
      last = &m;
    }
  }
  return last == nullptr ? std::string() : last->record.account;
}

Result<std::vector<InboundRecord>> MemoryStore::ListInbound(const InboundQuery& q) {
  common::MutexLock lock(state_mutex_);
  std::vector<const InboundRecord*> rows;
  for (const auto& [id, in] : state_->inbound) {
    if (q.keyword_action && in.keyword_action != *q.keyword_action) continue;
    if (q.account && in.account != *q.account) continue;
    // Newest first, continuing strictly below the previous page's last (at, id).
    if (q.after && std::tie(in.at_ms, in.id) >= std::tie(q.after->first, q.after->second)) continue;
    rows.push_back(&in);
  }
  std::sort(rows.begin(), rows.end(), [](const InboundRecord* a, const InboundRecord* b) {
    return std::tie(a->at_ms, a->id) > std::tie(b->at_ms, b->id);
  });
  std::vector<InboundRecord> out;
  for (const InboundRecord* in : rows) {
    if (static_cast<int>(out.size()) >= q.limit) break;
    out.push_back(*in);
  }
  return out;
}

void MemoryStore::KeepInboundPart(InboundPart part, int64_t max_pending, PartCallback done) {
  Submit([part = std::move(part), max_pending, done = std::move(done)](State& state) mutable {
    Result<InboundPartsHeld> result = InboundPartsHeld{.kept = false, .parts = {}};
    const PartsOwner owner = IsProducerParts(part.key) ? PartsOwner::kProducers : PartsOwner::kCarriers;
    const auto same_owner = std::count_if(state.inbound_parts.begin(), state.inbound_parts.end(),
                                          [owner](const InboundPart& p) { return OwnedBy(p.key, owner); });
    if (same_owner < max_pending) {
      const bool held = std::any_of(state.inbound_parts.begin(), state.inbound_parts.end(), [&](const InboundPart& p) {
        return p.key == part.key && p.sequence == part.sequence;
      });
      if (!held) state.inbound_parts.push_back(part);  // a resent part keeps the first
      InboundPartsHeld out;
      for (const InboundPart& p : state.inbound_parts) {
        if (p.key == part.key) out.parts.push_back(p);
      }
      std::sort(out.parts.begin(), out.parts.end(),
                [](const InboundPart& a, const InboundPart& b) { return a.sequence < b.sequence; });
      result = std::move(out);
    }
    return std::function<void()>(
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  });
}

Result<std::vector<std::vector<InboundPart>>> MemoryStore::ExpiredInboundParts(int64_t before_ms, int max_sets,
                                                                             PartsOwner owner) {
  common::MutexLock lock(state_mutex_);
  // Sets by their first part's arrival, oldest first.
  std::vector<std::pair<int64_t, InboundPartsKey>> firsts;
  for (const InboundPart& p : state_->inbound_parts) {
    if (!OwnedBy(p.key, owner)) continue;
    auto it = std::find_if(firsts.begin(), firsts.end(), [&](const auto& f) { return f.second == p.key; });
    if (it == firsts.end()) {
      firsts.emplace_back(p.at_ms, p.key);
    } else {
      it->first = std::min(it->first, p.at_ms);
    }
  }
  std::stable_sort(firsts.begin(), firsts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::vector<InboundPart>> sets;
  for (const auto& [first, key] : firsts) {
    if (first >= before_ms || static_cast<int>(sets.size()) >= max_sets) break;
    std::vector<InboundPart> parts;
    for (const InboundPart& p : state_->inbound_parts) {
      if (p.key == key) parts.push_back(p);
    }
    std::sort(parts.begin(), parts.end(),
              [](const InboundPart& a, const InboundPart& b) { return a.sequence < b.sequence; });
    sets.push_back(std::move(parts));
  }
  return sets;
}

Result<int64_t> MemoryStore::PendingInboundParts() {
  common::MutexLock lock(state_mutex_);
  return static_cast<int64_t>(state_->inbound_parts.size());
}

}  // namespace deliverer::store::memory
