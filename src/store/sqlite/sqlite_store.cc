#include "store/sqlite/sqlite_store.h"

#include <filesystem>
#include <future>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/data_keys.h"
#include "store/sqlite/jobs.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/wal_sync.h"

namespace deliverer::store::sqlite {

SqliteStore::Reader::~Reader() {
  if (!db_) return;
  common::MutexLock lock(store_->readers_mutex_);
  store_->idle_readers_.push_back(std::move(db_));
}

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
  const std::string keyring =
      options.keyring_path.empty()
          ? (std::filesystem::path(options.directory) / "keyring").string()
          : options.keyring_path;
  const std::string stamp = FileStamp(keyring);
  auto cipher = OpenCipher(**db, keyring, clock.NowUnixMillis());
  if (!cipher.ok()) return cipher.take_error();
  if (auto s = BackfillNumberHashes(**db, **cipher); !s.ok()) return s.error();

  // Messages waiting to be submitted (queued, sending): the queue depth for back-pressure.
  // Sent ones wait on the carrier, not on us.
  auto count = (*db)->Prepare("SELECT count(*) FROM messages WHERE status <= 1");
  if (!count.ok()) return count.take_error();
  if (auto row = count->Step(); !row.ok()) return row.take_error();
  const int64_t pending = count->Int(0);
  count->Reset();

  // The log is moved into the database by the checkpointer's thread, not inside COMMIT.
  if (auto s = (*db)->Exec("PRAGMA wal_autocheckpoint=0"); !s.ok()) return s.error();
  auto checkpoint_db = Connection::Open(path, /*read_only=*/false);
  if (!checkpoint_db.ok()) return checkpoint_db.take_error();

  // COMMIT only writes the log; the writer's sync thread makes it durable (wal_sync.h).
  auto wal = WalSync::Open(path);
  if (!wal.ok()) return wal.take_error();
  if (auto s = (*db)->Exec("PRAGMA synchronous=NORMAL"); !s.ok()) return s.error();
  auto send_audit = std::make_shared<SendAuditBuffer>();
  auto writer = std::make_unique<GroupCommitWriter>(
      std::move(*db), options.max_batch,
      [wal = std::shared_ptr<WalSync>(std::move(*wal))] { return wal->Sync(); },
      options.min_commit_interval, [send_audit](Connection& db) { return send_audit->Flush(db); });
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(path, clock, std::move(writer), std::move(*cipher), keyring, send_audit));
  store->checkpointer_ =
      std::make_unique<Checkpointer>(std::move(*checkpoint_db), *store->writer_, CheckpointerOptions{});
  store->pending_ = pending;
  // The stamp from before loading: a rotation racing with start-up is seen at the first
  // ReloadDataKeys.
  {
    common::MutexLock lock(store->keys_mutex_);
    store->keyring_stamp_ = stamp;
  }
  return store;
}

SqliteStore::SqliteStore(std::string path, Clock& clock, std::unique_ptr<GroupCommitWriter> writer,
                         std::unique_ptr<crypto::Cipher> cipher, std::string keyring_path,
                         std::shared_ptr<SendAuditBuffer> send_audit)
    : path_(std::move(path)),
      clock_(clock),
      cipher_(std::move(cipher)),
      keyring_path_(std::move(keyring_path)),
      send_audit_(std::move(send_audit)),
      writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() = default;

Result<SqliteStore::Reader> SqliteStore::Borrow() {
  {
    common::MutexLock lock(readers_mutex_);
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
  auto apply = [s = std::move(s), audit = std::move(audit),
                &cipher = *cipher_](Connection& db) -> Status {
    if (auto r = UpsertSuppression(db, s, cipher); !r.ok()) return r;
    return InsertAudit(db, audit);
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

void SqliteStore::DeleteSuppression(std::string account, std::string number, AuditEntry audit,
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

void SqliteStore::AppendAudit(AuditEntry entry, StatusCallback done) {
  auto apply = [entry = std::move(entry)](Connection& db) { return InsertAudit(db, entry); };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(done)));
}

// Writes first: a store that reads but cannot make a write durable (a full disk, a
// read-only file, a failed sync) must not be reported ready.
Status SqliteStore::Ping() {
  if (Status writes = writer_->Health(); !writes.ok()) {
    writer_->Probe();
    return writes;
  }
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  return (*reader)->Exec("SELECT 1");
}

}  // namespace deliverer::store::sqlite
