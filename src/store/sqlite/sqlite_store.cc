#include "store/sqlite/sqlite_store.h"

#include <filesystem>
#include <thread>

#include "store/sql/data_keys.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/wal_sync.h"

namespace deliverer::store::sqlite {

using sql::GroupCommitWriter;
using sql::SendAuditBuffer;
using sql::BackfillNumberHashes;
using sql::FileStamp;
using sql::OpenCipher;

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
      options.min_commit_interval, [send_audit](sql::Connection& db) { return send_audit->Flush(db); });
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(path, clock, std::move(writer), std::move(*cipher), keyring, send_audit, pending));
  store->checkpointer_ =
      std::make_unique<Checkpointer>(std::move(*checkpoint_db), *store->writer_, CheckpointerOptions{});
  // The stamp from before loading: a rotation racing with start-up is seen at the first
  // ReloadDataKeys.
  {
    common::MutexLock lock(store->keys_mutex_);
    store->keyring_stamp_ = stamp;
  }
  return store;
}

SqliteStore::SqliteStore(std::string path, Clock& clock, std::unique_ptr<sql::GroupCommitWriter> writer,
                         std::unique_ptr<crypto::Cipher> cipher, std::string keyring_path,
                         std::shared_ptr<sql::SendAuditBuffer> send_audit, int64_t pending)
    : SqlStore(clock, std::move(writer), std::move(cipher), std::move(keyring_path), std::move(send_audit),
               [path]() -> Result<std::unique_ptr<sql::Connection>> {
                 auto db = Connection::Open(path, /*read_only=*/true);
                 if (!db.ok()) return db.take_error();
                 return std::unique_ptr<sql::Connection>(std::move(*db));
               },
               pending),
      path_(std::move(path)) {}

SqliteStore::~SqliteStore() {
  checkpointer_.reset();
  StopWriter();
}

// TRUNCATE waits (busy timeout) for readers to leave the log, then empties it. It does
// not wait for a checkpoint in progress (the checkpointer's, every 100 ms and brief):
// that answers busy at once, so it is tried again until a second has passed. Every
// producer waits behind the writer meanwhile, hence the bound.
bool SqliteStore::ScrubLogAfterErase(sql::Connection& db) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (bool first = true;; first = false) {
    if (!first) {
      if (std::chrono::steady_clock::now() >= give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto stmt = db.Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!stmt.ok()) return false;
    auto row = stmt->Step();
    if (row.ok() && *row && stmt->Int(0) == 0) return true;
  }
}

}  // namespace deliverer::store::sqlite
