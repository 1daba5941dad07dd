// SqlStore: erasure on request (docs/reliability.md S10). One write job pseudonymises a
// person's rows in one commit; then, outside the transaction, the backend scrubs its log
// if it can (SQLite: the write-ahead log is checkpointed and truncated, since it still
// holds the pages as they were before; freed and rewritten cells are zeroed by
// secure_delete, store/sqlite/db.cc, so the database file keeps no copy either).
#include <fmt/format.h>

#include "model/lifecycle.h"
#include "store/erasure_rules.h"
#include "store/sql/delivery_writes.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

using deliverer::Status;

// Every place below matches the number in both of the forms rows hold (NumberForms):
// E.164 with its '+' (?1) and the bare digits SMPP addresses use (?2).
template <class Stmt>
Stmt& BindForms(Stmt& stmt, const NumberForms& forms) {
  return stmt.Bind(1, forms.e164).Bind(2, forms.digits);
}

// Free text a producer or carrier supplied may quote the number: both forms are cut out.
std::string Scrubbed(std::string_view column) {
  return fmt::format("replace(replace({0}, ?1, '{1}'), ?2, '{1}')", column, kErased);
}

Result<std::vector<std::string>> SelectIds(Connection& db, const std::string& sql, const NumberForms& forms) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.take_error();
  BindForms(*stmt, forms);
  return FirstColumnTexts(*stmt);
}

// Queued and scheduled messages to the number will not be sent (model/lifecycle.h).
Result<int64_t> RejectQueued(Connection& db, const NumberForms& forms, int64_t now_ms, int64_t& pending_delta) {
  // Candidates with their status, read in this write: ErasureChange decides.
  static const std::string kCandidates =
      fmt::format("SELECT id, status FROM messages WHERE dst IN (?1, ?2) AND status IN ({}, {})",
                  static_cast<int>(model::Status::kQueued), static_cast<int>(model::Status::kScheduled));
  auto stmt = db.Prepare(kCandidates);
  if (!stmt.ok()) return stmt.take_error();
  BindForms(*stmt, forms);
  std::vector<std::pair<std::string, model::Status>> candidates;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    candidates.emplace_back(stmt->Text(0), static_cast<model::Status>(stmt->Int(1)));
  }
  int64_t rejected = 0;
  for (const auto& [id, status] : candidates) {
    auto change = ErasureChange(id, status, now_ms);
    if (!change) continue;
    WriteEffects effects;  // the webhooks are found by the dispatcher's outbox read
    auto outcome = ApplyStatusChange(db, *change, effects);
    pending_delta += effects.pending_delta;
    if (!outcome.ok()) return outcome.take_error();
    if (outcome->applied()) ++rejected;
  }
  return rejected;
}

// Messages to the number, and from it (a producer may send on a subscriber's behalf).
// `src` has no index: this scans the table, acceptable for a rare operator action and
// cheaper than an index every insert would pay for.
Result<int64_t> PseudonymiseMessages(Connection& db, const NumberForms& forms) {
  auto ids = SelectIds(db, "SELECT id FROM messages WHERE dst IN (?1, ?2) OR src IN (?1, ?2)", forms);
  if (!ids.ok()) return ids.take_error();
  const std::string events_sql = "UPDATE events SET detail = " + Scrubbed("detail") + " WHERE message_id = ?3";
  for (const std::string& id : *ids) {
    auto events = db.Prepare(events_sql);
    if (!events.ok()) return events.take_error();
    BindForms(*events, forms).Bind(3, id);
    if (Status s = events->Run(); !s.ok()) return s.error();
  }
  // The payload hash is keyed, yet with the index key it would still confirm a guess of
  // the number and body; an idempotent replay of an erased message now answers 409.
  auto messages = db.Prepare(fmt::format(
      "UPDATE messages SET dst = CASE WHEN dst IN (?1, ?2) THEN '{0}' ELSE dst END,"
      " src = CASE WHEN src IN (?1, ?2) THEN '{0}' ELSE src END,"
      " body = NULL, body_key = NULL, payload_hash = '{0}',"
      " client_ref = {1}, callback_url = {2}, error_detail = {3}, done_detail = {4}"
      " WHERE dst IN (?1, ?2) OR src IN (?1, ?2)",
      kErased, Scrubbed("client_ref"), Scrubbed("callback_url"), Scrubbed("error_detail"),
      Scrubbed("done_detail")));
  if (!messages.ok()) return messages.take_error();
  BindForms(*messages, forms);
  if (Status s = messages->Run(); !s.ok()) return s.error();
  return static_cast<int64_t>(ids->size());
}

Result<int64_t> PseudonymiseInbound(Connection& db, const NumberForms& forms) {
  auto stmt = db.Prepare(fmt::format(
      "UPDATE inbound SET src = CASE WHEN src IN (?1, ?2) THEN '{0}' ELSE src END,"
      " dst = CASE WHEN dst IN (?1, ?2) THEN '{0}' ELSE dst END, body = NULL, body_key = NULL"
      " WHERE src IN (?1, ?2) OR dst IN (?1, ?2)",
      kErased));
  if (!stmt.ok()) return stmt.take_error();
  BindForms(*stmt, forms);
  if (Status s = stmt->Run(); !s.ok()) return s.error();
  return db.Changes();
}

// The opt-out holds through number_hash; the number column, part of the key, becomes
// "erased:<hash>", unique per account as the number was. A row erased before (the person
// opted out again since) gives way to this one: deleted first where a row in clear will
// take its key.
Result<int64_t> PseudonymiseSuppressions(Connection& db, const NumberForms& forms, const std::string& hash) {
  auto earlier = db.Prepare(fmt::format(
      "DELETE FROM suppressions WHERE number_hash = ?1 AND number = '{0}:' || number_hash"
      " AND account IN (SELECT account FROM suppressions WHERE number_hash = ?1 AND number <> '{0}:' || number_hash)",
      kErased));
  if (!earlier.ok()) return earlier.take_error();
  if (Status s = earlier->Bind(1, hash).Run(); !s.ok()) return s.error();
  auto stmt = db.Prepare(fmt::format(
      "UPDATE suppressions SET number = '{0}:' || number_hash, reason = {1}"
      " WHERE number_hash = ?3 AND number <> '{0}:' || number_hash",
      kErased, Scrubbed("reason")));
  if (!stmt.ok()) return stmt.take_error();
  if (Status s = BindForms(*stmt, forms).Bind(3, hash).Run(); !s.ok()) return s.error();
  return db.Changes();
}

class EraseJob final : public WriteJob {
 public:
  // `form`: whether the number may be erased; a refusal is answered from the writer's
  // thread like any other result (store/seam.h).
  EraseJob(std::string number, Status form, AuditEntry audit, std::string number_hash,
           std::atomic<int64_t>* pending, std::function<bool(Connection&)> scrub_log,
           std::function<void(Result<EraseResult>)> done)
      : forms_(number),
        form_(std::move(form)),
        audit_(std::move(audit)),
        number_hash_(std::move(number_hash)),
        pending_(pending),
        scrub_log_(std::move(scrub_log)),
        done_(std::move(done)) {}

  void Apply(Connection& db) override {
    if (!form_.ok()) {
      result_ = form_.error();
      return;
    }
    if (auto s = db.Exec("SAVEPOINT erase"); !s.ok()) {
      result_ = s.error();
      return;
    }
    result_ = Erase(db);
    if (result_.ok()) {
      if (Status flushed = db.Flush(); !flushed.ok()) result_ = flushed.error();
    }
    if (!result_.ok()) {
      delta_ = 0;
      (void)db.Exec("ROLLBACK TO erase");
    }
    (void)db.Exec("RELEASE erase");
  }

  void AfterCommit(Connection& db) override {
    if (result_.ok()) result_->log_truncated = scrub_log_(db);
  }

  void Finish(const Status& commit) override {
    if (!commit.ok()) {
      result_ = commit.error();
    } else if (delta_ != 0) {
      pending_->fetch_add(delta_, std::memory_order_relaxed);
    }
    done_(std::move(result_));
  }

 private:
  Result<EraseResult> Erase(Connection& db) {
    EraseResult r;
    auto rejected = RejectQueued(db, forms_, audit_.at_ms, delta_);
    if (!rejected.ok()) return rejected.take_error();
    r.rejected = *rejected;
    auto messages = PseudonymiseMessages(db, forms_);
    if (!messages.ok()) return messages.take_error();
    r.messages = *messages;
    auto inbound = PseudonymiseInbound(db, forms_);
    if (!inbound.ok()) return inbound.take_error();
    r.inbound = *inbound;
    auto suppressions = PseudonymiseSuppressions(db, forms_, number_hash_);
    if (!suppressions.ok()) return suppressions.take_error();
    r.suppressions = *suppressions;
    if (Status s = InsertAudit(db, audit_); !s.ok()) return s.error();
    return r;
  }

  const NumberForms forms_;
  const Status form_;
  const AuditEntry audit_;
  const std::string number_hash_;
  std::atomic<int64_t>* pending_;
  std::function<bool(Connection&)> scrub_log_;
  std::function<void(Result<EraseResult>)> done_;
  int64_t delta_ = 0;
  Result<EraseResult> result_ = Error::Of("storage_error", "not applied");
};

}  // namespace

void SqlStore::EraseNumber(std::string number, AuditEntry audit,
                              std::function<void(Result<EraseResult>)> done) {
  Status form = CheckErasable(number);
  std::string hash = form.ok() ? NumberHash(*cipher_, number) : std::string();
  writer_->Submit(std::make_unique<EraseJob>(std::move(number), std::move(form), std::move(audit), std::move(hash),
                                             &pending_, [this](Connection& db) { return ScrubLogAfterErase(db); },
                                             std::move(done)));
}

}  // namespace deliverer::store::sql
