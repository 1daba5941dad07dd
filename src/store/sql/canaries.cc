// SqlStore: halted canary roll-outs (store/canary_store.h), table canary_halts.
#include "store/sql/jobs.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {

void SqlStore::HaltCanary(CanaryHalt halt, AuditEntry audit, StatusCallback done) {
  auto apply = [halt = std::move(halt), audit = std::move(audit)](Connection& db) -> Status {
    auto stmt = db.Prepare(
        "INSERT INTO canary_halts (flag, route, reason, detail, halted_at) VALUES (?,?,?,?,?)"
        " ON CONFLICT (flag) DO UPDATE SET route = excluded.route, reason = excluded.reason,"
        " detail = excluded.detail, halted_at = excluded.halted_at");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, halt.flag).Bind(2, halt.route).Bind(3, halt.reason).Bind(4, halt.detail);
    stmt->Bind(5, halt.halted_at_ms);
    if (Status s = stmt->Run(); !s.ok()) return s;
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

void SqlStore::ResumeCanary(std::string flag, AuditEntry audit, StatusCallback done) {
  auto apply = [flag = std::move(flag), audit = std::move(audit)](Connection& db) -> Status {
    auto stmt = db.Prepare("DELETE FROM canary_halts WHERE flag = ?");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, flag);
    if (Status s = stmt->Run(); !s.ok()) return s;
    if (db.Changes() == 0) return Error::Of("not_found", "the roll-out '" + flag + "' is not halted");
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

Result<std::vector<CanaryHalt>> SqlStore::ListCanaryHalts() {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT flag, route, reason, detail, halted_at FROM canary_halts ORDER BY flag");
  if (!stmt.ok()) return stmt.take_error();
  std::vector<CanaryHalt> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(CanaryHalt{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Int(4)});
  }
}

}  // namespace deliverer::store::sql
