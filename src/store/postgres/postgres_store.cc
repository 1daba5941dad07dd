#include "store/postgres/postgres_store.h"

#include <filesystem>

#include "store/postgres/db.h"
#include "store/postgres/migrations.h"
#include "store/sql/data_keys.h"

namespace deliverer::store::postgres {
namespace {

// pg_advisory_lock's first key for "this process delivers" (any fixed number no other
// lock uses); the second is the store's schema, so installations that share a database in
// schemas of their own each have one.
constexpr int64_t kDeliveryLockKey = 0x646c7672;  // "dlvr"

// A session that holds the delivery lock until it closes (or its connection is lost).
Result<std::unique_ptr<sql::Connection>> TakeDeliveryLock(const std::string& url) {
  auto session = Connection::Open(url);
  if (!session.ok()) return session.take_error();
  auto taken = (*session)->Prepare("SELECT pg_try_advisory_lock(CAST(? AS INTEGER), hashtext(current_schema()))");
  if (!taken.ok()) return taken.take_error();
  taken->Bind(1, kDeliveryLockKey);
  auto row = taken->Step();
  if (!row.ok()) return row.take_error();
  if (!*row || taken->Int(0) == 0) {
    return Error::Of("storage_busy",
                     "another process delivers from this PostgreSQL database: with the embedded queue, one "
                     "process per database delivers (serve --role all or worker); others run --role api");
  }
  taken->Reset();
  return std::unique_ptr<sql::Connection>(std::move(*session));
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options, Clock& clock) {
  if (options.keyring_path.empty()) {
    return Error::Of("invalid_config", "a PostgreSQL store needs the path of its key ring");
  }
  // As the SQLite store creates its folder, which holds the ring by default.
  const auto ring_folder = std::filesystem::path(options.keyring_path).parent_path();
  std::error_code ec;
  if (!ring_folder.empty()) std::filesystem::create_directories(ring_folder, ec);
  if (ec) return Error::Of("storage_error", "cannot create " + ring_folder.string() + ": " + ec.message());
  std::unique_ptr<sql::Connection> delivery_lock;
  if (options.sole_deliverer) {
    auto lock = TakeDeliveryLock(options.url);
    if (!lock.ok()) return lock.take_error();
    delivery_lock = std::move(*lock);
  }
  auto db = Connection::Open(options.url);
  if (!db.ok()) return db.take_error();
  if (auto s = Migrate(**db); !s.ok()) return s.error();
  const std::string stamp = sql::FileStamp(options.keyring_path);
  auto cipher = sql::OpenCipher(**db, options.keyring_path, clock.NowUnixMillis());
  if (!cipher.ok()) return cipher.take_error();

  // Messages waiting to be submitted (queued, sending): the queue depth for back-pressure.
  auto count = (*db)->Prepare("SELECT count(*) FROM messages WHERE status <= 1");
  if (!count.ok()) return count.take_error();
  if (auto row = count->Step(); !row.ok()) return row.take_error();
  const int64_t pending = count->Int(0);
  count->Reset();

  auto send_audit = std::make_shared<sql::SendAuditBuffer>();
  // No log sync of its own: PostgreSQL's COMMIT returns once its log is on disk.
  auto writer = std::make_unique<sql::GroupCommitWriter>(
      std::move(*db), options.max_batch, sql::LogSync{}, options.min_commit_interval,
      [send_audit](sql::Connection& db) { return send_audit->Flush(db); });
  std::unique_ptr<PostgresStore> store(new PostgresStore(clock, std::move(writer), std::move(*cipher),
                                                         options.keyring_path, send_audit, options.url, pending));
  {
    common::MutexLock lock(store->keys_mutex_);
    store->keyring_stamp_ = stamp;
  }
  store->delivery_lock_ = std::move(delivery_lock);
  return store;
}

PostgresStore::PostgresStore(Clock& clock, std::unique_ptr<sql::GroupCommitWriter> writer,
                             std::unique_ptr<crypto::Cipher> cipher, std::string keyring_path,
                             std::shared_ptr<sql::SendAuditBuffer> send_audit, std::string url, int64_t pending)
    : SqlStore(clock, std::move(writer), std::move(cipher), std::move(keyring_path), std::move(send_audit),
               [url = std::move(url)]() -> Result<std::unique_ptr<sql::Connection>> {
                 auto db = Connection::Open(url);
                 if (!db.ok()) return db.take_error();
                 return std::unique_ptr<sql::Connection>(std::move(*db));
               },
               pending) {}

PostgresStore::~PostgresStore() { StopWriter(); }

Status PostgresStore::BackupTo(const std::string& /*directory*/) {
  return Error::Of("unsupported",
                   "a PostgreSQL store is backed up with PostgreSQL's own tools (pg_dump, pg_basebackup), "
                   "with a copy of its key ring beside it (docs/operations.md \"Backup and restore\")");
}

}  // namespace deliverer::store::postgres
