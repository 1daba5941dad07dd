// SqlStore: the retention job's passes (docs/operations.md "Background jobs").
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

using deliverer::Status;

// Statuses from kDelivered on are terminal but for 7 (scheduled); a message still waiting
// or in flight keeps its body.
static_assert(static_cast<int>(model::Status::kDelivered) == 3 &&
              static_cast<int>(model::Status::kScheduled) == 7);
const std::string kEnded = "status >= 3 AND status <> 7";

// Runs `sql` with ?1 = cutoff and ?2 = batch; the rows it changed.
Result<int64_t> Run(Connection& db, const std::string& sql, int64_t cutoff, int64_t batch) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, cutoff).Bind(2, batch);
  if (Status s = stmt->Run(); !s.ok()) return s.error();
  return db.Changes();
}

Result<std::vector<std::string>> EndedMessagesBefore(Connection& db, int64_t cutoff, int64_t batch) {
  auto stmt = db.Prepare("SELECT id FROM messages WHERE created_at < ?1 AND " + kEnded + " LIMIT ?2");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, cutoff).Bind(2, batch);
  return FirstColumnTexts(*stmt);
}

Status DeleteMessage(Connection& db, const std::string& id) {
  for (const char* sql : {"DELETE FROM events WHERE message_id = ?", "DELETE FROM submits WHERE message_id = ?",
                          "DELETE FROM messages WHERE id = ?"}) {
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, id);
    if (Status s = stmt->Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<RetentionResult> SqlStore::ApplyRetention(const RetentionCutoffs& cutoffs) {
  RetentionResult result;
  const int64_t batch = cutoffs.batch;
  Status s = WriteAndWait([&](Connection& db) -> Status {
    auto bodies = Run(db,
                      "UPDATE messages SET body = NULL, body_key = NULL WHERE rowid IN (SELECT rowid FROM messages"
                      " WHERE created_at < ?1 AND " + kEnded + " AND body IS NOT NULL LIMIT ?2)",
                      cutoffs.bodies_before_ms, batch);
    if (!bodies.ok()) return bodies.error();
    auto inbound_bodies = Run(db,
                              "UPDATE inbound SET body = NULL, body_key = NULL WHERE rowid IN (SELECT rowid FROM inbound"
                              " WHERE at < ?1 AND body IS NOT NULL LIMIT ?2)",
                              cutoffs.bodies_before_ms, batch);
    if (!inbound_bodies.ok()) return inbound_bodies.error();
    result.bodies_cleared = *bodies + *inbound_bodies;

    auto ended = EndedMessagesBefore(db, cutoffs.rows_before_ms, batch);
    if (!ended.ok()) return ended.error();
    for (const std::string& id : *ended) {
      if (Status d = DeleteMessage(db, id); !d.ok()) return d;
    }
    result.messages_deleted = static_cast<int64_t>(ended->size());
    auto inbound = Run(db,
                       "DELETE FROM inbound WHERE rowid IN (SELECT rowid FROM inbound WHERE at < ?1 LIMIT ?2)",
                       cutoffs.rows_before_ms, batch);
    if (!inbound.ok()) return inbound.error();
    result.inbound_deleted = *inbound;
    // Webhook and parked-receipt rows are written in time order: only the oldest rows are
    // looked at, so a pass costs the same however large the tables are.
    auto webhooks = Run(db,
                        "DELETE FROM webhooks WHERE rowid IN (SELECT rowid FROM webhooks ORDER BY rowid"
                        " LIMIT ?2) AND at < ?1",
                        cutoffs.rows_before_ms, batch);
    if (!webhooks.ok()) return webhooks.error();
    auto parked = Run(db,
                      "DELETE FROM receipts_parked WHERE rowid IN (SELECT rowid FROM receipts_parked"
                      " ORDER BY rowid LIMIT ?2) AND at < ?1",
                      cutoffs.rows_before_ms, batch);
    if (!parked.ok()) return parked.error();
    result.more = *bodies == batch || *inbound_bodies == batch || result.messages_deleted == batch ||
                  *inbound == batch || *webhooks == batch || *parked == batch;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return result;
}

}  // namespace deliverer::store::sql
