#include "store/postgres/postgres_store.h"

#include <filesystem>

#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"
#include "store/postgres/db.h"
#include "store/postgres/migrations.h"
#include "store/sql/data_keys.h"

namespace deliverer::store::postgres {
namespace {

// pg_advisory_lock's first key for "this process delivers" (any fixed number no other
// lock uses); the second is the store's schema, so installations that share a database in
// schemas of their own each have one.
constexpr int64_t kDeliveryLockKey = 0x646c7672;  // "dlvr"

constexpr std::string_view kTakeDeliveryLock =
    "SELECT pg_try_advisory_lock(CAST(? AS INTEGER), hashtext(current_schema()))";

// Messages waiting to be submitted (queued, sending): the queue depth for back-pressure.
constexpr std::string_view kWaitingCount = "SELECT count(*) FROM messages WHERE status <= 1";

// A session that holds the delivery lock until it closes (or its connection is lost).
Result<std::unique_ptr<sql::Connection>> TakeDeliveryLock(const std::string& url,
                                                          std::chrono::milliseconds answer_within) {
  auto session = Connection::Open(url, answer_within);
  if (!session.ok()) return session.take_error();
  auto taken = (*session)->Prepare(kTakeDeliveryLock);
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
    auto lock = TakeDeliveryLock(options.url, options.answer_within);
    if (!lock.ok()) return lock.take_error();
    delivery_lock = std::move(*lock);
  }
  auto db = Connection::Open(options.url, options.answer_within);
  if (!db.ok()) return db.take_error();
  if (auto s = Migrate(**db); !s.ok()) return s.error();
  const std::string stamp = sql::FileStamp(options.keyring_path);
  auto cipher = sql::OpenCipher(**db, options.keyring_path, clock.NowUnixMillis());
  if (!cipher.ok()) return cipher.take_error();

  auto count = (*db)->Prepare(kWaitingCount);
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
                                                         options.keyring_path, send_audit, options.url,
                                                         options.answer_within, pending));
  {
    common::MutexLock lock(store->keys_mutex_);
    store->keyring_stamp_ = stamp;
  }
  store->delivery_lock_ = std::move(delivery_lock);
  if (store->delivery_lock_) {
    auto session = store->CurrentSession();
    if (!session.ok()) return session.take_error();
    store->delivery_lock_session_ = std::move(*session);
  }
  store->hand_over_ = options.hands_over;
  store->StartWatch(options);
  return store;
}

PostgresStore::PostgresStore(Clock& clock, std::unique_ptr<sql::GroupCommitWriter> writer,
                             std::unique_ptr<crypto::Cipher> cipher, std::string keyring_path,
                             std::shared_ptr<sql::SendAuditBuffer> send_audit, std::string url,
                             std::chrono::milliseconds answer_within, int64_t pending)
    : SqlStore(clock, std::move(writer), std::move(cipher), std::move(keyring_path), std::move(send_audit),
               [url = std::move(url), answer_within]() -> Result<std::unique_ptr<sql::Connection>> {
                 auto db = Connection::Open(url, answer_within);
                 if (!db.ok()) return db.take_error();
                 return std::unique_ptr<sql::Connection>(std::move(*db));
               },
               pending) {}

PostgresStore::~PostgresStore() {
  {
    common::MutexLock lock(watch_mutex_);
    watch_stopping_ = true;
  }
  watch_wake_.notify_one();
  if (watch_thread_.joinable()) watch_thread_.join();
  StopWriter();
}

void PostgresStore::StartWatch(const PostgresOptions& options) {
  using Millis = std::chrono::milliseconds;
  const Millis depth_every = options.shared_queue_depth_every;
  const Millis lock_every = delivery_lock_ ? options.lock_check_every : Millis(0);
  if (depth_every.count() <= 0 && lock_every.count() <= 0) return;
  const Millis tick = depth_every.count() <= 0  ? lock_every
                      : lock_every.count() <= 0 ? depth_every
                                                : std::min(depth_every, lock_every);
  watch_thread_ = std::thread([this, tick, depth_every, lock_every, lost = options.on_delivery_lock_lost] {
    NameThisThread("store-watch");
    auto next_depth = std::chrono::steady_clock::now();
    bool watching_lock = lock_every.count() > 0;
    common::MutexLock lock(watch_mutex_);
    while (!watch_wake_.wait_for(lock.native(), tick, [this] {
      watch_mutex_.AssertHeld();
      return watch_stopping_;
    })) {
      lock.Unlock();
      const auto now = std::chrono::steady_clock::now();
      try {
        // The lock first: against a server that does not answer, each call waits for its
        // deadline.
        if (watching_lock && !CheckDeliveryLock()) {
          watching_lock = false;
          if (lost) lost();
        }
        if (depth_every.count() > 0 && now >= next_depth) {
          // While the database is unreachable the last count stands; /readyz says why.
          (void)RefreshDepth();
          next_depth = now + depth_every;
        }
      } catch (...) {
        ReportUnhandled("storage", std::current_exception());
      }
      lock.Lock();
    }
  });
}

// A commit of this process's that lands between the count and the store is counted
// twice or not at all until the next refresh: a depth for back-pressure, not a ledger.
Status PostgresStore::RefreshDepth() {
  auto db = Borrow();
  if (!db.ok()) return db.error();
  auto count = (*db)->Prepare(kWaitingCount);
  if (!count.ok()) return count.error();
  auto row = count->Step();
  if (!row.ok()) return row.error();
  if (*row) pending_.store(count->Int(0), std::memory_order_relaxed);
  return Status::Ok();
}

// On the lock's own session, which the driver replaces when it finds it lost: so the
// question is whether this session, whichever it is now, holds the lock.
bool PostgresStore::CheckDeliveryLock() {
  auto held = delivery_lock_->Prepare(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()"
      " AND classid = CAST(? AS BIGINT) AND objid = (CAST(hashtext(current_schema()) AS BIGINT) & 4294967295)"
      " AND objsubid = 2");
  // The server cannot be reached from here: asked again at the next check.
  auto unreachable = [this](const Error& error) {
    if (!lock_unchecked_) log::Warn("storage", "cannot check the delivery lock: {}", error.detail);
    lock_unchecked_ = true;
    return true;
  };
  if (!held.ok()) return unreachable(held.error());
  held->Bind(1, kDeliveryLockKey);
  auto row = held->Step();
  if (!row.ok()) return unreachable(row.error());
  lock_unchecked_ = false;
  if (!*row) return true;
  if (held->Int(0) > 0) return true;
  held->Reset();
  auto taken = delivery_lock_->Prepare(kTakeDeliveryLock);
  if (!taken.ok()) return true;
  taken->Bind(1, kDeliveryLockKey);
  auto again = taken->Step();
  if (!again.ok() || !*again) return true;
  if (taken->Int(0) != 0) {
    taken->Reset();
    if (auto session = CurrentSession(); session.ok()) delivery_lock_session_ = std::move(*session);
    log::Warn("storage", "the delivery lock was lost with its database session and is held again");
    return true;
  }
  taken->Reset();
  // Held by this process's own earlier session, which the server has not seen end (a
  // connection cut without a word, e.g. by a network partition, lasts on the server until
  // its TCP keepalives give up): ended, and the lock taken at the next check.
  // The start time tells that session from a later one to which the server gave its pid.
  auto holder = delivery_lock_->Prepare(
      "SELECT l.pid, CAST(a.backend_start AS TEXT) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
      " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = CAST(? AS BIGINT)"
      " AND l.objid = (CAST(hashtext(current_schema()) AS BIGINT) & 4294967295) AND l.objsubid = 2");
  if (!holder.ok()) return true;
  holder->Bind(1, kDeliveryLockKey);
  auto found = holder->Step();
  if (!found.ok()) return true;
  if (*found && holder->Int(0) == delivery_lock_session_.pid && holder->Text(1) == delivery_lock_session_.started) {
    holder->Reset();
    auto end = delivery_lock_->Prepare("SELECT pg_terminate_backend(CAST(? AS INTEGER))");
    if (!end.ok()) return true;
    end->Bind(1, delivery_lock_session_.pid);
    (void)end->Step();
    end->Reset();
    log::Warn("storage", "the delivery lock is still held by this process's lost database session: ended it");
    return true;
  }
  holder->Reset();
  log::Error("storage", "the delivery lock was lost with its database session and another process holds it now: "
                        "this process stops delivering");
  return false;
}

Result<PostgresStore::Session> PostgresStore::CurrentSession() {
  auto stmt = delivery_lock_->Prepare(
      "SELECT pid, CAST(backend_start AS TEXT) FROM pg_stat_activity WHERE pid = pg_backend_pid()");
  if (!stmt.ok()) return stmt.take_error();
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return Error::Of("storage_error", "pg_stat_activity does not show this session");
  Session session{stmt->Int(0), stmt->Text(1)};
  stmt->Reset();
  return session;
}

Status PostgresStore::BackupTo(const std::string& /*directory*/) {
  return Error::Of("unsupported",
                   "a PostgreSQL store is backed up with PostgreSQL's own tools (pg_dump, pg_basebackup), "
                   "with a copy of its key ring beside it (docs/operations.md \"Backup and restore\")");
}

}  // namespace deliverer::store::postgres
