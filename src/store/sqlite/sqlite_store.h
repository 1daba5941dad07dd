#pragma once
// The embedded store backend (every seam of store/backend.h): the SQL store
// (store/sql/sql_store.h) on one SQLite database file in WAL mode, its log synced beside
// the writer (wal_sync.h) and checkpointed by a thread of its own (checkpointer.h).
#include <chrono>
#include <memory>
#include <string>

#include "store/sql/sql_store.h"
#include "store/sqlite/checkpointer.h"

namespace deliverer::store::sqlite {

struct SqliteOptions {
  std::string directory;    // created if missing; holds deliverer.db
  size_t max_batch = 1000;  // jobs per group commit at most
  // The key ring (crypto/keyring.h); "" = <directory>/keyring. Created when missing,
  // unless the database already holds sealed bodies (then the ring was lost: refused).
  std::string keyring_path;
  // Under load, a commit at most this often (GroupCommitWriter); zero: at once.
  std::chrono::milliseconds min_commit_interval{0};
};

class SqliteStore final : public sql::SqlStore {
 public:
  // Creates the directory and database as needed and applies migrations.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options, Clock& clock);
  ~SqliteStore() override;

  Status BackupTo(const std::string& directory) override;

  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, Clock& clock, std::unique_ptr<sql::GroupCommitWriter> writer,
              std::unique_ptr<crypto::Cipher> cipher, std::string keyring_path,
              std::shared_ptr<sql::SendAuditBuffer> send_audit, int64_t pending);

  bool ScrubLogAfterErase(sql::Connection& writer_db) override;

  const std::string path_;
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace deliverer::store::sqlite
