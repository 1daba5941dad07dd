#include "store/sqlite/sqlite_store.h"

#include <filesystem>
#include <future>

#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"

namespace deliverer::store::sqlite {

SqliteStore::Reader::~Reader() {
  if (!db_) return;
  std::lock_guard lock(store_->readers_mutex_);
  store_->idle_readers_.push_back(std::move(db_));
}

namespace {

// A write job whose outcome is one Status, for the synchronous and single-row writes.
class StatusJob final : public WriteJob {
 public:
  StatusJob(std::function<Status(Connection&)> apply, Store::StatusCallback done)
      : apply_(std::move(apply)), done_(std::move(done)) {}

  void Apply(Connection& db) override {
    if (auto s = db.Exec("SAVEPOINT job"); !s.ok()) {
      result_ = s;
      return;
    }
    result_ = apply_(db);
    if (!result_.ok()) (void)db.Exec("ROLLBACK TO job");
    (void)db.Exec("RELEASE job");
  }
  void Finish(const Status& commit) override { done_(commit.ok() ? result_ : commit); }

 private:
  std::function<Status(Connection&)> apply_;
  Store::StatusCallback done_;
  Status result_;
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options,
                                                       Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(options.directory, ec);
  if (ec) {
    return Error::Of("storage_error",
                     "cannot create " + options.directory + ": " + ec.message());
  }
  const std::string path = (std::filesystem::path(options.directory) / "deliverer.db").string();
  auto db = Connection::Open(path, /*read_only=*/false);
  if (!db.ok()) return db.take_error();
  if (auto s = Migrate(**db); !s.ok()) return s.error();

  // Messages accepted but not terminal: statuses queued, sending, sent.
  auto count = (*db)->Prepare("SELECT count(*) FROM messages WHERE status <= 2");
  if (!count.ok()) return count.take_error();
  if (auto row = count->Step(); !row.ok()) return row.take_error();
  const int64_t pending = count->Int(0);
  count->Reset();

  auto writer = std::make_unique<GroupCommitWriter>(std::move(*db), options.max_batch);
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, clock, std::move(writer)));
  store->pending_ = pending;
  return store;
}

SqliteStore::SqliteStore(std::string path, Clock& clock, std::unique_ptr<GroupCommitWriter> writer)
    : path_(std::move(path)), clock_(clock), writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() = default;

Result<SqliteStore::Reader> SqliteStore::Borrow() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(this, std::move(db));
    }
  }
  auto db = Connection::Open(path_, /*read_only=*/true);
  if (!db.ok()) return db.take_error();
  return Reader(this, std::move(*db));
}

Status SqliteStore::WriteAndWait(std::function<Status(Connection&)> apply) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  writer_->Submit(std::make_unique<StatusJob>(
      std::move(apply), [&promise](Status s) { promise.set_value(std::move(s)); }));
  return future.get();
}

void SqliteStore::PutSuppression(Suppression s, AuditEntry audit, StatusCallback done) {
  auto apply = [s = std::move(s), audit = std::move(audit)](Connection& db) -> Status {
    auto stmt = db.Prepare(
        "INSERT INTO suppressions (account, number, reason, source, created_at)"
        " VALUES (?,?,?,?,?) ON CONFLICT (account, number) DO UPDATE SET reason = excluded.reason");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, s.account).Bind(2, s.number).Bind(3, s.reason).Bind(4, s.source);
    stmt->Bind(5, s.created_at_ms);
    if (auto r = stmt->Run(); !r.ok()) return r;
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

void SqliteStore::DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                                    StatusCallback done) {
  auto apply = [account = std::move(account), number = std::move(number),
                audit = std::move(audit)](Connection& db) -> Status {
    auto stmt = db.Prepare("DELETE FROM suppressions WHERE account = ? AND number = ?");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, account).Bind(2, number);
    if (auto r = stmt->Run(); !r.ok()) return r;
    if (db.Changes() == 0) return Error::Of("not_found", "not on the suppression list");
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

void SqliteStore::AppendAudit(AuditEntry entry, StatusCallback done) {
  auto apply = [entry = std::move(entry)](Connection& db) { return InsertAudit(db, entry); };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

Status SqliteStore::Ping() {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  return (*reader)->Exec("SELECT 1");
}

}  // namespace deliverer::store::sqlite
