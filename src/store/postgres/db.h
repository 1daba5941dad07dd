#pragma once
// The PostgreSQL driver of the SQL seam (store/sql/db.h), over libpq: one server
// connection, its statements prepared on the server and cached by their text. Errors are
// values: "constraint" (SQLSTATE class 23), "storage_unavailable" (the connection is lost
// or the server is shutting down), "storage_conflict" (serialization failure, deadlock),
// "storage_error" (anything else; defects such as SQL that does not fit the schema also go
// to the error sink, common/unhandled.h). Not thread-safe: one Connection per thread at
// a time. Every call blocks until the server answers; connecting waits at most the URL's
// `connect_timeout` (5 s unless it says otherwise).
//
//   auto db = postgres::Connection::Open(url);   // "postgresql://user@host:5432/dbname"
//   auto stmt = (*db)->Prepare("SELECT body FROM messages WHERE id = ?");
//   stmt->Bind(1, id);
//   if (auto row = stmt->Step(); row.ok() && *row) body = stmt->Text(0);
//
// A lost connection (the server restarted, the network failed) fails the call that finds
// it with "storage_unavailable"; the next Exec or Prepare reconnects (once: while the
// server stays away each call fails as fast as the connection attempt does) and prepares
// statements again, so the same Connection works again once the server is back. If the
// connection was lost inside a transaction, every call fails with "storage_unavailable"
// until the caller ends that transaction (ROLLBACK, or a COMMIT, which fails): statements
// must not run, each committing on its own, outside the transaction their caller thinks
// they are in.
//
// Inside a transaction, Statement::Send pipelines: the statement goes out with the next
// ones and nothing waits for its answer until Flush, or until the next call that needs
// one (Exec, a Step, a statement prepared for the first time), which reports the first
// failure among them. A Step joins the pipeline and is answered with it, in the same
// round trip. Up to kMaxPipelined statements wait so; one more flushes them.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "store/sql/db.h"

struct pg_conn;
struct pg_result;

namespace deliverer::store::postgres {

class PgCursor;

// The shared placeholder syntax in PostgreSQL's: `?` → $1, $2, … in order (after the
// highest number so far, as SQLite numbers them), `?N` → $N; nothing inside a '…'
// literal, a "…" identifier or a comment changes. Pure.
std::string NumberPlaceholders(std::string_view sql);

class Connection final : public sql::Connection {
 public:
  // Longer than any statement of the store's should take, and bounded.
  static constexpr std::chrono::milliseconds kAnswerWithin{15'000};
  // Statements sent ahead at most: their answers wait in the socket's buffers meanwhile,
  // and a few kilobytes of them never fill those.
  static constexpr size_t kMaxPipelined = 256;

  // `url` is a libpq connection URI or key=value string, and may carry a password: it
  // appears in no error and no log (they name the server as host:port/dbname). Unless the
  // URL sets them, connecting gives up after 5 s, and TCP keepalives and a 10 s
  // tcp_user_timeout notice a server that stopped answering (a blackholed route) within
  // about 10 s rather than never. A failure is "storage_unavailable" with libpq's reason.
  //
  // No call waits for the server's answer longer than `answer_within`, even where TCP
  // notices nothing (a hung server, a proxy that holds the connection): the connection is
  // then dropped, the call fails "storage_unavailable", and the next call reconnects.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                  std::chrono::milliseconds answer_within = kAnswerWithin);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One or more statements without parameters, in one round trip (several run in one
  // implicit transaction unless they hold their own BEGIN/COMMIT).
  Status Exec(std::string_view sql) override;
  // A cached statement with its bindings cleared; nothing reaches the server until its
  // first Step.
  Result<sql::Statement> Prepare(std::string_view sql) override;
  Status Flush() override { return Drain(nullptr); }
  // Rows the latest INSERT, UPDATE, DELETE or MERGE changed (with RETURNING too).
  int Changes() const override { return changes_; }
  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }

 private:
  friend class PgCursor;
  Connection(pg_conn* conn, std::string where, std::chrono::milliseconds answer_within);

  Status ExecOnce(std::string_view sql);
  // Before a call: reconnects a lost connection (once per call), refuses calls inside a
  // transaction the loss ended. `sql` is the statement about to run.
  Status Usable(std::string_view sql);
  // A new session on the same server, now (PQreset); outside a transaction only.
  Status Reconnect();
  // After a call: notes the transaction state and the rows changed, or what the failure
  // means (and whether the connection was lost inside a transaction).
  void Succeeded(const pg_result* result);
  Error Failed(const pg_result* result, std::string_view sql);
  // Sends with `send` (a PQsend… call) and waits for every result, at most answer_within_:
  // the last result, or the first error; null when the connection failed, or when the
  // deadline passed (`timed_out`: the connection is dropped).
  pg_result* Await(const std::function<int()>& send, bool& timed_out);
  // After a deadline passed: the connection's state as after its loss.
  Error TimedOut(std::string_view sql);
  // Gives up on the server's answers: libpq then reads the end of the stream and marks
  // the connection bad; the next call reconnects (Usable).
  void Abandon();
  // Waits until libpq has a result or a separator (null) to give, until `deadline`.
  // False when the deadline passed (the connection is then abandoned).
  bool AwaitInput(std::chrono::steady_clock::time_point deadline);
  // Statements sent in the pipeline, answers not read yet: Flush reads them.
  bool Pipelined() const { return !pipelined_.empty(); }
  // Reads the pipeline's answers up to its sync point and leaves pipeline mode: the first
  // failure among them, or Ok. With `last`, the last statement's result is kept there when
  // it succeeded (the caller owns it).
  Status Drain(pg_result** last);

  // Looks statements up by a view of their text, without copying it.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  pg_conn* conn_;
  std::string where_;  // host:port/dbname, for messages
  const std::chrono::milliseconds answer_within_;
  std::unordered_map<std::string, std::unique_ptr<PgCursor>, TextHash, std::equal_to<>> cache_;
  // Bumped on every reconnection: statements prepared under an older one are gone from
  // the server and are prepared again.
  uint64_t generation_ = 0;
  uint64_t next_statement_ = 0;
  int changes_ = 0;
  // The statements sent in the pipeline and not answered yet, by their text (their
  // cursors, which own the text, live as long as the connection).
  std::vector<const std::string*> pipelined_;
  bool in_transaction_ = false;    // as of the last answer from the server
  bool lost_transaction_ = false;  // the connection was lost inside a transaction
};

}  // namespace deliverer::store::postgres
