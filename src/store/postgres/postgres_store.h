#pragma once
// The PostgreSQL store backend (every seam of store/backend.h): the SQL store
// (store/sql/sql_store.h) on a PostgreSQL database, for deployments that outgrow one
// machine's disk or want the database on its own servers (docs/storage-schema.md
// "PostgreSQL"). A COMMIT that PostgreSQL answered is durable (synchronous_commit on,
// as the server must be configured); a connection lost during COMMIT fails the writes
// of that batch, which callers answer as "retry" (503), never as accepted.
//
// The data key ring (crypto/keyring.h) is a file, as with SQLite: every process opening
// the same database must be given the same ring.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "store/postgres/db.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::postgres {

struct PostgresOptions {
  std::string url;          // a libpq URL; a secret (it may hold a password)
  std::string keyring_path; // required
  size_t max_batch = 1000;  // jobs per group commit at most
  // Under load, a commit at most this often (GroupCommitWriter); zero: at once.
  std::chrono::milliseconds min_commit_interval{0};
  // For a process that delivers: the store holds a lock in the database for its life and
  // Open refuses when another process holds it. Delivery reads the queue from the store,
  // so two delivering processes on one database would each submit every message.
  bool sole_deliverer = false;
  // For a process that accepts but does not deliver (`serve --role api`): each queued
  // message is handed over to the delivering process (store/sql/handover.h).
  bool hands_over = false;
  // For a serving process: PendingCount is re-read from the database this often, so that
  // every process sharing it sees the whole queue (back-pressure's high-water mark,
  // /healthz, deliverer_queue_depth); between reads it follows this process's own writes.
  // Zero: this process's own count only.
  std::chrono::milliseconds shared_queue_depth_every{0};
  // With sole_deliverer: the lock is checked this often. A lock lost with its session (a
  // server restart, a network failure) is taken again on a new one; if another process
  // took it meanwhile, `on_delivery_lock_lost` runs (once, on a store thread): that process
  // delivers now, so this one must stop.
  std::chrono::milliseconds lock_check_every{1000};
  std::function<void()> on_delivery_lock_lost;
  // How long any call waits for the server's answer (postgres/db.h), on every connection.
  std::chrono::milliseconds answer_within = Connection::kAnswerWithin;
};

class PostgresStore final : public sql::SqlStore {
 public:
  // Connects and applies migrations (under an advisory lock: processes starting together
  // apply each once).
  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options, Clock& clock);
  ~PostgresStore() override;

  // Refused: PostgreSQL's own tools back up the database (docs/operations.md "Backup and
  // restore"); the key ring is copied beside it.
  Status BackupTo(const std::string& directory) override;

 private:
  PostgresStore(Clock& clock, std::unique_ptr<sql::GroupCommitWriter> writer,
                std::unique_ptr<crypto::Cipher> cipher, std::string keyring_path,
                std::shared_ptr<sql::SendAuditBuffer> send_audit, std::string url,
                std::chrono::milliseconds answer_within, int64_t pending);

  // The watch thread: PendingCount from the database, and the delivery lock, as often as
  // PostgresOptions asks; not started when it asks for neither.
  void StartWatch(const PostgresOptions& options);
  Status RefreshDepth();
  // True while this process holds the delivery lock (again, if its session was lost).
  bool CheckDeliveryLock();
  // The lock session's server process and its start, which tell it from a later session
  // of a reused pid: after the connection is lost, the server may keep that session (and
  // the lock) until it notices.
  struct Session {
    int64_t pid = 0;
    std::string started;  // backend_start, as text
  };
  Result<Session> CurrentSession();

  // The session holding the delivery lock (PostgresOptions::sole_deliverer); null if none.
  // Used by the watch thread only, once Open returned.
  std::unique_ptr<sql::Connection> delivery_lock_;
  Session delivery_lock_session_;  // the lock session, when it took the lock
  bool lock_unchecked_ = false;     // the last check could not reach the server (logged once)
  common::Mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watch_stopping_ GUARDED_BY(watch_mutex_) = false;
  std::thread watch_thread_;
};

}  // namespace deliverer::store::postgres
