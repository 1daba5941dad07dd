#pragma once
// The SQLite driver of the store's SQL (store/sql/db.h): errors as values, prepared
// statements cached per connection. Not thread-safe: one Connection per thread at a time.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/result.h"
#include "store/sql/db.h"

namespace deliverer::store::sqlite {

using sql::Statement;

class Connection final : public sql::Connection {
 public:
  // Opens (creating if needed) with WAL and synchronous=FULL; busy waits up to 5 s for
  // other processes (the CLI) holding the write lock.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  int Changes() const override { return sqlite3_changes(db_); }
  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  // A consistent copy of this connection's database into a new file at `path` (SQLite's
  // online backup: one read transaction, so writers on other connections go on and none
  // of their later commits is in the copy). The copy is in rollback-journal mode, synced.
  Status BackupInto(const std::string& path);
  Error LastError(std::string_view what) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<sql::Cursor>> cache_;
};

}  // namespace deliverer::store::sqlite
