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
#include <memory>
#include <string>

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
                std::shared_ptr<sql::SendAuditBuffer> send_audit, std::string url, int64_t pending);

  // The session holding the delivery lock (PostgresOptions::sole_deliverer); null if none.
  std::unique_ptr<sql::Connection> delivery_lock_;
};

}  // namespace deliverer::store::postgres
