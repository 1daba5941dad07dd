#pragma once
// A thin RAII layer over the SQLite C API: errors as values, prepared statements cached
// per connection. Not thread-safe: one Connection per thread at a time.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/result.h"

namespace deliverer::store::sqlite {

// Borrows a cached statement; resets it when it goes away, so no read transaction is
// left open (which would pin an old snapshot of the database on that connection).
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement() {
    if (stmt_ != nullptr) sqlite3_reset(stmt_);
  }

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, std::optional<int64_t> value);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, std::string_view bytes);

  // SQLITE_ROW → true, SQLITE_DONE → false, anything else → Error.
  Result<bool> Step();
  // Runs to completion, discarding rows.
  Status Run();
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating if needed) with WAL and synchronous=FULL; busy waits up to 5 s for
  // other processes (the CLI) holding the write lock.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status Exec(std::string_view sql);
  // A cached prepared statement, reset and with bindings cleared.
  Result<Statement> Prepare(std::string_view sql);
  int Changes() const { return sqlite3_changes(db_); }
  // A consistent copy of this connection's database into a new file at `path` (SQLite's
  // online backup: one read transaction, so writers on other connections go on and none
  // of their later commits is in the copy). The copy is in rollback-journal mode, synced.
  Status BackupInto(const std::string& path);
  Error LastError(std::string_view what) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace deliverer::store::sqlite
