#include "store/sqlite/db.h"

#include <fmt/format.h>

#include <cerrno>
#include <system_error>

#include "common/unhandled.h"

namespace deliverer::store::sqlite {
namespace {

// SQLite's message, and for a failed file operation the system's reason too: "disk I/O
// error" alone does not tell a full disk from a file-size limit or a failing device.
// `os_errno` is errno read right after the failing call: SQLite's own record of it
// (sqlite3_system_errno) is often reset by the calls that clean up after the failure.
std::string Describe(sqlite3* db, int os_errno) {
  std::string message = sqlite3_errmsg(db);
  const int primary = sqlite3_errcode(db) & 0xff;
  const int system = sqlite3_system_errno(db) != 0 ? sqlite3_system_errno(db) : os_errno;
  if (system != 0 && (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN)) {
    message += " (" + std::system_category().message(system) + ")";
  }
  return message;
}

// Answers that no fault of the disk, the memory or the load explains: SQL that does not
// fit the schema (a bug, or a database changed behind the gateway's back), a misuse of the
// library, a damaged file. They go to the error sink (common/unhandled.h, docs/operations.md
// "Error reporting"); faults (I/O, a full disk, busy, read-only) do not: /readyz, the
// metrics and the logs show those.
bool IsDefect(int code) {
  switch (code & 0xff) {
    case SQLITE_ERROR:
    case SQLITE_INTERNAL:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_FORMAT:
      return true;
    default:
      return false;
  }
}

void ReportIfDefect(int code, const std::string& message) {
  if (IsDefect(code)) ReportInternalError({"storage", "sqlite", message, ""});
}

// A ROLLBACK (or RELEASE) after a failure may find the transaction already ended by
// SQLite itself (it does so on some I/O errors): its error is no defect.
bool EndsTransaction(std::string_view sql) { return sql.starts_with("ROLLBACK") || sql.starts_with("RELEASE"); }

// One prepared statement, cached by its connection.
class SqliteCursor final : public sql::Cursor {
 public:
  explicit SqliteCursor(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindText(int index, std::string_view value) override {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int index, std::string_view bytes) override {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  Result<bool> Step() override {
    errno = 0;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const int os_errno = errno;
    sqlite3* db = sqlite3_db_handle(stmt_);
    Error error = Error::Of(rc == SQLITE_CONSTRAINT ? "constraint" : "storage_error",
                            fmt::format("sqlite: {}", Describe(db, os_errno)));
    if (!EndsTransaction(sqlite3_sql(stmt_))) ReportIfDefect(rc, error.detail);
    return error;
  }
  void Release() override { sqlite3_reset(stmt_); }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const override {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  bool IsNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* const stmt_;
};

}  // namespace

Status Connection::BackupInto(const std::string& path) {
  sqlite3* copy = nullptr;
  if (sqlite3_open_v2(path.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE,
                      nullptr) != SQLITE_OK) {
    std::string message = copy ? sqlite3_errmsg(copy) : "out of memory";
    sqlite3_close(copy);
    return Error::Of("storage_error", fmt::format("cannot create {}: {}", path, message));
  }
  // -1: every page in one step, under one read transaction: a consistent snapshot.
  sqlite3_backup* backup = sqlite3_backup_init(copy, "main", db_, "main");
  int rc = backup == nullptr ? sqlite3_errcode(copy) : sqlite3_backup_step(backup, -1);
  if (backup != nullptr) sqlite3_backup_finish(backup);
  if (rc == SQLITE_DONE) rc = sqlite3_exec(copy, "PRAGMA journal_mode=DELETE;", nullptr, nullptr, nullptr);
  const std::string message = sqlite3_errmsg(copy);
  sqlite3_close(copy);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    return Error::Of("storage_error", fmt::format("cannot copy the database: {}", message));
  }
  return Status::Ok();
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only) {
  // Before SQLite initialises: without memory statistics, an allocation takes no global
  // mutex, and every statement allocates.
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)configured;
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error::Of("storage_error", fmt::format("cannot open {}: {}", path, message));
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_busy_timeout(db, 5000);
  // FULL: every commit is fsynced, so a 202 survives power loss, not only a crash.
  const char* pragmas = read_only ? "PRAGMA query_only=1;"
                                  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                    " PRAGMA foreign_keys=ON;"
                                    // The writer touches index pages all over the
                                    // tables; 32 MiB keeps them in memory rather than
                                    // re-read from the file (the default is 2 MiB).
                                    " PRAGMA cache_size=-32768;"
                                    // Every job runs in a savepoint, whose journal would
                                    // otherwise be a temporary file written page by page.
                                    " PRAGMA temp_store=MEMORY;"
                                    // Freed pages are zeroed, so a body re-encrypted or
                                    // purged leaves no old bytes behind (S9, S10).
                                    " PRAGMA secure_delete=ON;";
  if (auto s = connection->Exec(pragmas); !s.ok()) return s.error();
  return connection;
}

Connection::~Connection() {
  cache_.clear();  // statements are finalized before their database is closed
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  // One statement (BEGIN, COMMIT, SAVEPOINT …, the writer's per-job brackets) runs from the
  // statement cache: parsing it again for every job was a measurable share of the writer.
  if (sql.find(';') == std::string_view::npos) {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    return stmt->Run();
  }
  char* message = nullptr;
  const std::string text(sql);
  if (const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
    Error error = Error::Of("storage_error", fmt::format("sqlite: {}", message ? message : "?"));
    sqlite3_free(message);
    if (!EndsTransaction(sql)) ReportIfDefect(rc, error.detail);
    return error;
  }
  return Status::Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return LastError("prepare");
    }
    it = cache_.emplace(std::string(sql), std::make_unique<SqliteCursor>(stmt)).first;
  }
  it->second->Reset();
  return Statement(it->second.get());
}

Error Connection::LastError(std::string_view what) const {
  const int os_errno = errno;
  Error error = Error::Of("storage_error", fmt::format("sqlite {}: {}", what, Describe(db_, os_errno)));
  ReportIfDefect(sqlite3_errcode(db_), error.detail);
  return error;
}

}  // namespace deliverer::store::sqlite
