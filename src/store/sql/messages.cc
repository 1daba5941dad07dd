// SqlStore: messages (ingest with idempotency, reads, listing).
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "store/new_record.h"
#include "store/sql/delivery_writes.h"
#include "store/sql/handover.h"
#include "store/sql/jobs.h"
#include "store/sql/rows.h"
#include "store/sql/send_audit.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

// Stores one message, or decides replay/conflict against the one that holds its id.
// The writer thread runs these one after another, so two identical concurrent requests
// can never both create: the second sees the first's row inside the same transaction.
// Across processes (PostgreSQL) the id's unique key decides: the insert that finds the id
// taken writes nothing and answers as a replay or conflict of the stored message.
class InsertJob final : public WriteJob {
 public:
  // `hand_over`: each queued message is handed to the delivering process (handover.h).
  InsertJob(std::vector<NewMessage> messages, MessageStore::InsertCallback done,
            std::atomic<int64_t>& pending, const crypto::Cipher& cipher, SendAuditBuffer& audit, bool hand_over)
      : messages_(std::move(messages)), done_(std::move(done)), pending_(pending),
        cipher_(cipher), audit_(audit), hand_over_(hand_over) {}

  void Apply(Connection& db) override {
    results_.reserve(messages_.size());
    for (const NewMessage& m : messages_) {
      results_.push_back(ApplyOne(db, m));
      // Audited in the commit that stores it (the writer writes the batch's sends).
      if (results_.back().ok() && results_.back()->outcome == InsertOutcome::kCreated) audit_.Add(m);
    }
  }

  void Finish(const Status& commit) override {
    // A batch whose BEGIN failed was never applied: every message still gets its answer
    // (MessageStore: one result per message, in order).
    if (!commit.ok()) results_.resize(messages_.size(), commit.error());
    int64_t created = 0;
    for (auto& r : results_) {
      if (!commit.ok()) r = commit.error();
      // A scheduled message waits for the queue only once released.
      else if (r.ok() && r->outcome == InsertOutcome::kCreated && r->record.status == model::Status::kQueued) ++created;
    }
    pending_.fetch_add(created, std::memory_order_relaxed);
    done_(std::move(results_));
  }

 private:
  Result<InsertResult> ApplyOne(Connection& db, const NewMessage& m) {
    // The insert first: a new id, nearly every one, costs this one statement. One that
    // finds its id stored (before, earlier in this batch, or by another process on
    // PostgreSQL, whose commit is visible once the insert returns) writes nothing, and the
    // stored message answers as a replay or a conflict. No event row for `queued`: it is
    // the row's created_at (ReadHistory). One statement: a failure leaves nothing of it.
    auto inserted = InsertMessageRow(db, m, cipher_);
    if (!inserted.ok()) return inserted.take_error();
    if (!*inserted) {
      auto stored = FindExisting(db, m);
      if (!stored.ok()) return stored.take_error();
      if (!stored->has_value()) return Error::Of("storage_error", "a message id was taken and is gone");
      return Found(db, m, std::move(**stored));
    }
    if (hand_over_ && !m.rejected && !IsScheduled(m)) {
      if (Status s = InsertHandover(db, m); !s.ok()) return s.error();
    }
    if (m.consumes_parts) {
      if (auto consumed = ConsumeParts(db, *m.consumes_parts); !consumed.ok()) return consumed.take_error();
    }
    if (m.rejected) {
      // Never counted as waiting, so the lifecycle's count of its end is not either; its
      // announcement, if any, is found by the outbox's readers.
      StatusChange change = RejectionOf(m);
      WriteEffects never_waiting;
      if (auto ended = ApplyStatusChange(db, change, never_waiting); !ended.ok()) return ended.take_error();
      if (Status flushed = db.Flush(); !flushed.ok()) return flushed.error();  // its writes are this message's
    }
    return InsertResult{InsertOutcome::kCreated, RecordOf(m)};
  }

  // What an insert whose id is stored already answers. The parts of a replayed message
  // made it: they go, as its insert would have taken them.
  static Result<InsertResult> Found(Connection& db, const NewMessage& m, InsertResult found) {
    if (found.outcome == InsertOutcome::kReplayed && m.consumes_parts) {
      if (auto consumed = ConsumeParts(db, *m.consumes_parts); !consumed.ok()) return consumed.take_error();
    }
    return found;
  }

  Result<std::optional<InsertResult>> FindExisting(Connection& db, const NewMessage& m) {
    auto stmt = db.Prepare(fmt::format("SELECT {} FROM messages WHERE id = ?", kMessageColumns));
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, m.id);
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return std::optional<InsertResult>();
    InsertResult found{InsertOutcome::kConflict, ReadMessage(*stmt)};
    const bool same = found.record.account == m.account &&
                      PayloadHashMatches(cipher_, stmt->Text(kPayloadHashColumn), m.payload_hash) &&
                      m.created_at_ms - found.record.created_at_ms < kIdempotencyWindowMs;
    if (same) found.outcome = InsertOutcome::kReplayed;
    return std::optional<InsertResult>(std::move(found));
  }

  std::vector<NewMessage> messages_;
  MessageStore::InsertCallback done_;
  std::atomic<int64_t>& pending_;
  const crypto::Cipher& cipher_;
  SendAuditBuffer& audit_;
  const bool hand_over_;
  std::vector<Result<InsertResult>> results_;
};

// The message as GET shows it, read inside the write that changed it.
Result<std::optional<MessageRecord>> ReadWithEvents(Connection& db, const std::string& id) {
  auto stmt = db.Prepare(fmt::format("SELECT {} FROM messages WHERE id = ?", kMessageColumns));
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<MessageRecord>();
  MessageRecord record = ReadMessage(*stmt);
  auto events = ReadHistory(db, record, *stmt);
  if (!events.ok()) return events.take_error();
  record.events = std::move(*events);
  return std::optional<MessageRecord>(std::move(record));
}

// The lifecycle decides (ApplyStatusChange: only a scheduled or queued message moves); an
// applied cancel is audited in the same commit.
Result<CancelResult> ApplyCancel(Connection& db, CancelRequest& request, int64_t& pending_delta) {
  auto found = ReadWithEvents(db, request.message_id);
  if (!found.ok()) return found.take_error();
  if (!found->has_value() || (request.account && (*found)->account != *request.account)) {
    return CancelResult{};
  }
  StatusChange change;
  change.message_id = request.message_id;
  change.status = model::Status::kCanceled;
  change.only_from = request.only_from;
  change.at_ms = request.at_ms;
  // Its webhook is found by the dispatcher's outbox read: a cancel is rare.
  WriteEffects effects;
  auto changed = ApplyStatusChange(db, change, effects);
  if (!changed.ok()) return changed.take_error();
  pending_delta += effects.pending_delta;
  if (!changed->applied()) return CancelResult{CancelOutcome::kNotCancelable, std::move(**found)};
  const std::string& account = (*found)->account;
  if (auto s = InsertAudit(db, AuditEntry{0, request.at_ms, request.key_id, account, request.source_ip,
                                          "message.cancel", request.message_id, request.message_id});
      !s.ok()) {
    return s.error();
  }
  auto canceled = ReadWithEvents(db, request.message_id);
  if (!canceled.ok()) return canceled.take_error();
  return CancelResult{CancelOutcome::kCanceled, std::move(**canceled)};
}

// WHERE clause and bindings for ListMessages, built together so they cannot drift apart.
struct Filter {
  struct Arg {
    std::optional<int64_t> number;  // else text
    std::string text;
  };
  std::string sql = " WHERE 1 = 1";
  std::vector<Arg> args;

  void Add(std::string_view clause, int64_t value) {
    AddClause(clause);
    args.push_back(Arg{value, {}});
  }
  void Add(std::string_view clause, std::string value) {
    AddClause(clause);
    args.push_back(Arg{std::nullopt, std::move(value)});
  }
  void AddClause(std::string_view clause) {
    sql += " AND ";
    sql += clause;
  }
};

Filter BuildFilter(const MessageQuery& q) {
  Filter f;
  if (q.account) f.Add("account = ?", *q.account);
  if (q.status) f.Add("status = ?", int64_t{static_cast<int>(*q.status)});
  if (q.to) f.Add("dst = ?", *q.to);
  if (q.from) f.Add("src = ?", *q.from);
  if (q.client_ref) f.Add("client_ref = ?", *q.client_ref);
  if (q.since_ms) f.Add("created_at >= ?", *q.since_ms);
  if (q.until_ms) f.Add("created_at <= ?", *q.until_ms);
  if (q.after_created_at_ms && q.after_id) {
    // Newest first: continue strictly below the last row of the previous page.
    f.Add("(created_at < ? OR (created_at = ? AND id < ?))", *q.after_created_at_ms);
    f.args.push_back(Filter::Arg{*q.after_created_at_ms, {}});
    f.args.push_back(Filter::Arg{std::nullopt, *q.after_id});
  }
  return f;
}

}  // namespace

void SqlStore::InsertMessages(std::vector<NewMessage> messages, InsertCallback done) {
  writer_->Submit(std::make_unique<InsertJob>(std::move(messages), std::move(done), pending_,
                                                *cipher_, *send_audit_, hand_over_));
}

void SqlStore::CancelMessage(CancelRequest request, CancelCallback done) {
  // The change in waiting messages reaches pending_ only once the commit is durable.
  auto delta = std::make_shared<int64_t>(0);
  writer_->Submit(std::make_unique<ValueJob<CancelResult>>(
      [request = std::move(request), delta](Connection& db) mutable {
        *delta = 0;
        return ApplyCancel(db, request, *delta);
      },
      [this, delta, done = std::move(done)](Result<CancelResult> result) {
        if (result.ok()) pending_.fetch_add(*delta, std::memory_order_relaxed);
        done(std::move(result));
      }));
}

Result<std::optional<MessageRecord>> SqlStore::GetMessage(const std::string& id,
                                                             bool with_events) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  Connection& db = **reader;
  std::optional<MessageRecord> record;
  auto stmt = db.Prepare(fmt::format("SELECT {} FROM messages WHERE id = ?", kMessageColumns));
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return record;
  record = ReadMessage(*stmt);
  if (with_events) {
    auto events = ReadHistory(db, *record, *stmt);
    if (!events.ok()) return events.take_error();
    record->events = std::move(*events);
  }
  return record;
}

Result<MessagePage> SqlStore::ListMessages(const MessageQuery& query) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  const Filter filter = BuildFilter(query);
  const std::string sql =
      fmt::format("SELECT {} FROM messages{} ORDER BY created_at DESC, id DESC LIMIT ?",
                  kMessageColumns, filter.sql);
  auto stmt = (*reader)->Prepare(sql);
  if (!stmt.ok()) return stmt.take_error();
  int index = 1;
  for (const auto& arg : filter.args) {
    if (arg.number) stmt->Bind(index++, *arg.number);
    else stmt->Bind(index++, arg.text);
  }
  stmt->Bind(index, int64_t{query.limit} + 1);  // one more tells whether a next page exists
  MessagePage page;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    page.messages.push_back(ReadMessage(*stmt));
  }
  if (page.messages.size() > static_cast<size_t>(query.limit)) {
    page.messages.pop_back();
    page.more = true;
  }
  return page;
}

}  // namespace deliverer::store::sql
