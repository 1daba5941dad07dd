#pragma once
// The SQL driver seam: what the store's SQL code (this folder) needs from a database
// connection, implemented by SQLite (store/sqlite/db.h) and PostgreSQL
// (store/postgres/db.h). Errors are values; prepared statements are cached per
// connection by their text. Not thread-safe: one Connection per thread at a time.
//
// Statements are written once for both drivers, in the SQL the two share: `?` and `?N`
// placeholders (the PostgreSQL driver numbers them `$N`), ON CONFLICT rather than INSERT
// OR …, CASE rather than the two-argument max()/min(). Where the two must differ (a row
// lock, a function only one has), the code asks `dialect()`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace deliverer::store::sql {

enum class Dialect { kSqlite, kPostgres };

// A prepared statement of one driver, owned by its connection's cache.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  virtual void BindNull(int index) = 0;
  // A row → true, the end → false, a failure → Error (code "constraint" for a unique or
  // check violation, "storage_unavailable" for a lost connection, else "storage_error").
  virtual Result<bool> Step() = 0;
  // Ends the statement's run (SQLite: ends its read snapshot), keeping the bindings.
  virtual void Release() = 0;
  // Ends the run and clears the bindings, ready to be bound again.
  virtual void Reset() = 0;
  virtual int64_t Int(int column) const = 0;
  // Text or blob bytes as stored.
  virtual std::string Text(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  // Runs a statement whose rows nobody reads (Statement::Send). By default, to its end now.
  virtual Status Send() {
    for (;;) {
      auto row = Step();
      if (!row.ok()) return row.take_error();
      if (!*row) return Status::Ok();
    }
  }
};

// A statement borrowed from its connection's cache for one run; released when it goes
// away, so no read is left open.
class Statement {
 public:
  explicit Statement(Cursor* cursor) : cursor_(cursor) {}
  Statement(Statement&& other) noexcept : cursor_(std::exchange(other.cursor_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement() {
    if (cursor_ != nullptr) cursor_->Release();
  }

  Statement& Bind(int index, int64_t value) {
    cursor_->BindInt(index, value);
    return *this;
  }
  Statement& Bind(int index, std::string_view value) {
    cursor_->BindText(index, value);
    return *this;
  }
  Statement& Bind(int index, std::optional<int64_t> value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  Statement& BindNull(int index) {
    cursor_->BindNull(index);
    return *this;
  }
  Statement& BindBlob(int index, std::string_view bytes) {
    cursor_->BindBlob(index, bytes);
    return *this;
  }

  Result<bool> Step() { return cursor_->Step(); }
  // Runs to completion, discarding rows.
  Status Run() {
    for (;;) {
      auto row = Step();
      if (!row.ok()) return row.take_error();
      if (!*row) return Status::Ok();
    }
  }
  // Runs a write whose rows and row count nobody reads. A driver may send it without
  // waiting for its answer (PostgreSQL's pipeline): a failure is then returned by the
  // connection's next Flush, Exec or Step, whichever comes first, rather than here.
  // Statements run in the order they were sent or stepped, whatever the driver.
  Status Send() { return cursor_->Send(); }
  void Reset() { cursor_->Reset(); }

  int64_t Int(int column) const { return cursor_->Int(column); }
  std::string Text(int column) const { return cursor_->Text(column); }
  std::optional<int64_t> OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }
  bool IsNull(int column) const { return cursor_->IsNull(column); }

 private:
  Cursor* cursor_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // One or more statements without parameters (BEGIN, SAVEPOINT …, DDL).
  virtual Status Exec(std::string_view sql) = 0;
  // A cached prepared statement, reset and with bindings cleared.
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Waits for every statement Sent and not yet answered: the first failure among them, or
  // Ok. A driver that sends nothing ahead has nothing to wait for.
  virtual Status Flush() { return Status::Ok(); }
  // Rows changed by the latest INSERT, UPDATE or DELETE run by Step or Run (not Send).
  virtual int Changes() const = 0;
  virtual Dialect dialect() const = 0;
};

}  // namespace deliverer::store::sql
