#include "store/sql/sql_store.h"

#include <future>

#include "store/sql/jobs.h"
#include "store/sql/rows.h"

namespace deliverer::store::sql {

SqlStore::Reader::~Reader() {
  if (!db_) return;
  common::MutexLock lock(store_->readers_mutex_);
  store_->idle_readers_.push_back(std::move(db_));
}

SqlStore::SqlStore(Clock& clock, std::unique_ptr<GroupCommitWriter> writer, std::unique_ptr<crypto::Cipher> cipher,
                   std::string keyring_path, std::shared_ptr<SendAuditBuffer> send_audit, OpenReader open_reader,
                   int64_t pending)
    : clock_(clock),
      pending_(pending),
      cipher_(std::move(cipher)),
      keyring_path_(std::move(keyring_path)),
      send_audit_(std::move(send_audit)),
      writer_(std::move(writer)),
      open_reader_(std::move(open_reader)) {}

SqlStore::~SqlStore() = default;

Result<SqlStore::Reader> SqlStore::Borrow() {
  {
    common::MutexLock lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(this, std::move(db));
    }
  }
  auto db = open_reader_();
  if (!db.ok()) return db.take_error();
  return Reader(this, std::move(*db));
}

Status SqlStore::WriteAndWait(std::function<Status(Connection&)> apply) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  writer_->Submit(std::make_unique<StatusJob>(
      std::move(apply), [&promise](Status s) { promise.set_value(std::move(s)); }));
  return future.get();
}

void SqlStore::PutSuppression(Suppression s, AuditEntry audit, StatusCallback done) {
  auto apply = [s = std::move(s), audit = std::move(audit),
                &cipher = *cipher_](Connection& db) -> Status {
    if (auto r = UpsertSuppression(db, s, cipher); !r.ok()) return r;
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

void SqlStore::DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                                    StatusCallback done) {
  auto apply = [account = std::move(account), number = std::move(number),
                audit = std::move(audit), &cipher = *cipher_](Connection& db) -> Status {
    auto removed = RemoveSuppression(db, account, number, cipher);
    if (!removed.ok()) return removed.error();
    if (!*removed) return Error::Of("not_found", "not on the suppression list");
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

void SqlStore::AppendAudit(AuditEntry entry, StatusCallback done) {
  auto apply = [entry = std::move(entry)](Connection& db) { return InsertAudit(db, entry); };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

// Writes first: a store that reads but cannot make a write durable (a full disk, a
// read-only file, a failed sync) must not be reported ready.
Status SqlStore::Ping() {
  if (Status writes = writer_->Health(); !writes.ok()) {
    writer_->Probe();
    return writes;
  }
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  return (*reader)->Exec("SELECT 1");
}

}  // namespace deliverer::store::sql
