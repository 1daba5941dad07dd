#include "store/sql/handover.h"

#include <algorithm>

#include "store/sql/jobs.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {

// Sent ahead (db.h Statement::Send): its failure fails the transaction, and so the COMMIT
// every message of the batch waits for, without a round trip of its own.
Status InsertHandover(Connection& db, const NewMessage& m) {
  auto stmt = db.Prepare("INSERT INTO dispatch_handover (message_id, dst, priority, queued_at) VALUES (?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, m.id).Bind(2, m.to).Bind(3, int64_t{static_cast<int>(m.priority)}).Bind(4, m.created_at_ms);
  return stmt->Send();
}

// The rows read are the rows deleted: a row committed meanwhile by another process, even
// one with a lower seq (sequence values are taken before commit), stays for the next take.
Result<std::vector<QueuedRef>> TakeHandover(Connection& db, int limit) {
  auto stmt = db.Prepare(
      "DELETE FROM dispatch_handover WHERE seq IN (SELECT seq FROM dispatch_handover ORDER BY seq LIMIT ?)"
      " RETURNING seq, message_id, dst, priority, queued_at");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, int64_t{limit});
  std::vector<std::pair<int64_t, QueuedRef>> rows;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    rows.emplace_back(stmt->Int(0), QueuedRef{stmt->Text(1), stmt->Text(2),
                                              static_cast<model::Priority>(stmt->Int(3)), stmt->Int(4), 0});
  }
  // RETURNING promises no order.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<QueuedRef> taken;
  taken.reserve(rows.size());
  for (auto& [seq, ref] : rows) taken.push_back(std::move(ref));
  return taken;
}

void SqlStore::TakeHandedOver(int limit, HandedOverCallback done) {
  // Not counted in PendingCount here: the process that accepted them counted them, and
  // on a shared database the count is the database's (PostgresOptions::shared_queue_depth).
  writer_->Submit(std::make_unique<ValueJob<std::vector<QueuedRef>>>(
      [limit](Connection& db) { return TakeHandover(db, limit); }, std::move(done)));
}

}  // namespace deliverer::store::sql
