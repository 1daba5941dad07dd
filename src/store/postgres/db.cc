#include "store/postgres/db.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "store/postgres/cursor.h"
#include "store/postgres/errors.h"
#include "store/postgres/placeholders.h"

namespace deliverer::store::postgres {
namespace {

// What Open sets unless the URL does: a connection attempt gives up after 5 s; TCP
// keepalives (idle 5 s, then every 2 s, 3 unanswered) and a 10 s limit on unacknowledged
// data notice a server that vanished without closing the connection. UTF-8 is what the
// store's text is.
constexpr std::array<std::pair<const char*, const char*>, 8> kDefaults = {{
    {"connect_timeout", "5"},
    {"keepalives", "1"},
    {"keepalives_idle", "5"},
    {"keepalives_interval", "2"},
    {"keepalives_count", "3"},
    {"tcp_user_timeout", "10000"},
    {"client_encoding", "UTF8"},
    {"fallback_application_name", "deliverer"},
}};

// The URL's own options, then the defaults it does not set. The parsed options own the
// strings: they must outlive the connection attempt.
struct ConnectParams {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  std::string password;
};

ConnectParams ParamsOf(const PQconninfoOption* options) {
  ConnectParams params;
  auto is_set = [&](std::string_view keyword) {
    for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (o->val != nullptr && keyword == o->keyword) return true;
    }
    return false;
  };
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    params.keywords.push_back(o->keyword);
    params.values.push_back(o->val);
    if (std::string_view(o->keyword) == "password") params.password = o->val;
  }
  for (const auto& [keyword, value] : kDefaults) {
    if (is_set(keyword)) continue;
    params.keywords.push_back(keyword);
    params.values.push_back(value);
  }
  params.keywords.push_back(nullptr);
  params.values.push_back(nullptr);
  return params;
}

// libpq's messages do not quote the password; this keeps it so should one ever do.
std::string WithoutPassword(std::string message, const std::string& password) {
  if (password.size() < 4) return message;
  for (size_t at = message.find(password); at != std::string::npos; at = message.find(password, at)) {
    message.replace(at, password.size(), "***");
  }
  return message;
}

std::string WhereOf(PGconn* conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  return fmt::format("{}:{}/{}", host ? host : "", port ? port : "", db ? db : "");
}

std::string_view Trimmed(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n' || sql.front() == '\t')) sql.remove_prefix(1);
  return sql;
}

bool IsRollback(std::string_view sql) {
  sql = Trimmed(sql);
  return StartsWithIgnoringCase(sql, "ROLLBACK") && !StartsWithIgnoringCase(sql, "ROLLBACK TO");
}

bool IsBegin(std::string_view sql) {
  sql = Trimmed(sql);
  return StartsWithIgnoringCase(sql, "BEGIN") || StartsWithIgnoringCase(sql, "START TRANSACTION");
}

bool IsCommit(std::string_view sql) {
  sql = Trimmed(sql);
  return StartsWithIgnoringCase(sql, "COMMIT") || StartsWithIgnoringCase(sql, "END");
}

bool ChangesRows(std::string_view command) {
  return command.starts_with("INSERT") || command.starts_with("UPDATE") || command.starts_with("DELETE") ||
         command.starts_with("MERGE");
}

// What the server is told of each session, so that it does not keep one whose client it
// lost without a word (a network partition) for hours: its own TCP keepalives, as the
// client's above, and an end to a transaction left open, whose row locks would stall the
// session that replaces it. The store's transactions last milliseconds.
constexpr std::string_view kSessionLimits =
    "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3; "
    "SET tcp_user_timeout = 10000; SET idle_in_transaction_session_timeout = '30s'";

// Notices (a ROLLBACK with no transaction, CREATE … IF NOT EXISTS skipping) would go to
// stderr; nothing in them needs an operator.
void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url, std::chrono::milliseconds answer_within) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    PQfreemem(parse_error);
    // libpq's reason is left out: it quotes the part of the URL it stumbled on.
    return Error::Of("storage_unavailable", "postgres: the connection URL does not parse");
  }
  const ConnectParams params = ParamsOf(options);
  PGconn* conn = PQconnectdbParams(params.keywords.data(), params.values.data(), 0);
  PQconninfoFree(options);
  if (conn == nullptr) return Error::Of("storage_unavailable", "postgres: out of memory");
  std::string where = WhereOf(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = WithoutPassword(OneLine(PQerrorMessage(conn)), params.password);
    PQfinish(conn);
    return Error::Of("storage_unavailable", fmt::format("postgres {}: {}", where, message));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<Connection> connection(new Connection(conn, std::move(where), answer_within));
  if (Status s = connection->ExecOnce(kSessionLimits); !s.ok()) return s.error();
  return connection;
}

Connection::Connection(pg_conn* conn, std::string where, std::chrono::milliseconds answer_within)
    : conn_(conn), where_(std::move(where)), answer_within_(answer_within) {}

Connection::~Connection() {
  cache_.clear();
  PQfinish(conn_);
}

Status Connection::Exec(std::string_view sql) {
  // A session the server ended while it was idle (a restart) says so only when next used:
  // a BEGIN or a read outside a transaction has changed nothing yet, so it is run once
  // more on a new session (see PgCursor::Execute for statements).
  const bool retry_allowed = !in_transaction_ && (IsBegin(sql) || IsRead(sql));
  Status outcome = ExecOnce(sql);
  if (outcome.ok() || !retry_allowed || outcome.error().code != "storage_unavailable") return outcome;
  if (Status again = Reconnect(); !again.ok()) return again;
  return ExecOnce(sql);
}

Status Connection::ExecOnce(std::string_view sql) {
  if (Status flushed = Flush(); !flushed.ok()) return flushed;
  if (Status usable = Usable(sql); !usable.ok()) return usable;
  const std::string text(sql);
  bool timed_out = false;
  PGresult* result = Await([&] { return PQsendQuery(conn_, text.c_str()); }, timed_out);
  if (timed_out) return TimedOut(sql);
  const ExecStatusType status = PQresultStatus(result);
  Status outcome;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    Succeeded(result);
    // PostgreSQL answers the COMMIT of a failed transaction with a rollback, not an error:
    // the caller must not take its writes for durable.
    if (IsCommit(sql) && std::string_view(PQcmdStatus(result)) == "ROLLBACK") {
      outcome = DriverError("storage_error", "the transaction had failed: COMMIT rolled it back", where_, true);
    }
  } else {
    outcome = Failed(result, sql);
  }
  PQclear(result);
  return outcome;
}

Result<sql::Statement> Connection::Prepare(std::string_view sql) {
  if (Status usable = Usable(sql); !usable.ok()) return usable.error();
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<PgCursor>(*this, NumberSql(sql))).first;
  }
  it->second->Reset();
  return sql::Statement(it->second.get());
}

Status Connection::Usable(std::string_view sql) {
  if (lost_transaction_) {
    if (IsRollback(sql)) {
      lost_transaction_ = false;
    } else {
      if (IsCommit(sql)) lost_transaction_ = false;  // it ends the transaction, failing
      return Error::Of("storage_unavailable",
                       fmt::format("postgres {}: the connection was lost inside this transaction", where_));
    }
  }
  if (PQstatus(conn_) != CONNECTION_BAD) return Status::Ok();
  return Reconnect();
}

Status Connection::Reconnect() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Error::Of("storage_unavailable", fmt::format("postgres {}: {}", where_, OneLine(PQerrorMessage(conn_))));
  }
  ++generation_;  // the server forgot every prepared statement
  in_transaction_ = false;
  return ExecOnce(kSessionLimits);
}

void Connection::Succeeded(const PGresult* result) {
  const PGTransactionStatusType state = PQtransactionStatus(conn_);
  in_transaction_ = state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
  if (ChangesRows(PQcmdStatus(const_cast<PGresult*>(result)))) {
    changes_ = std::atoi(PQcmdTuples(const_cast<PGresult*>(result)));
  }
}

namespace {

bool IsError(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR;
}

// Until `fd` is ready for `events` (true) or `deadline` passes (false).
bool WaitUntil(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    // Rounded up: a poll never ends before the deadline.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd, events, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // let libpq find out what is wrong
  }
}

}  // namespace

void Connection::Abandon() {
  shutdown(PQsocket(conn_), SHUT_RDWR);
  (void)PQconsumeInput(conn_);
  while (PGresult* late = PQgetResult(conn_)) PQclear(late);
}

bool Connection::AwaitInput(std::chrono::steady_clock::time_point deadline) {
  const int fd = PQsocket(conn_);
  while (PQisBusy(conn_) != 0) {
    if (!WaitUntil(fd, POLLIN, deadline)) {
      Abandon();
      return false;
    }
    if (PQconsumeInput(conn_) == 0) break;  // the connection failed: PQgetResult says so
  }
  return true;
}

PGresult* Connection::Await(const std::function<int()>& send, bool& timed_out) {
  timed_out = false;
  if (send() == 0) return nullptr;  // not sent: PQerrorMessage says why
  const auto deadline = std::chrono::steady_clock::now() + answer_within_;
  const int fd = PQsocket(conn_);
  for (int flushed = PQflush(conn_); flushed != 0; flushed = PQflush(conn_)) {
    if (flushed < 0) return nullptr;
    if (!WaitUntil(fd, POLLOUT | POLLIN, deadline)) {
      Abandon();
      timed_out = true;
      return nullptr;
    }
    if (PQconsumeInput(conn_) == 0) return nullptr;
  }
  PGresult* kept = nullptr;
  for (;;) {
    if (!AwaitInput(deadline)) {
      PQclear(kept);
      timed_out = true;
      return nullptr;
    }
    PGresult* next = PQgetResult(conn_);
    if (next == nullptr) return kept;
    // As PQexec: the first error stands (the statements after it did not run).
    if (kept != nullptr && IsError(kept)) {
      PQclear(next);
    } else {
      PQclear(kept);
      kept = next;
    }
  }
}

Status Connection::Drain(PGresult** last) {
  if (pipelined_.empty()) return Status::Ok();
  std::vector<const std::string*> sent;
  sent.swap(pipelined_);
  const auto deadline = std::chrono::steady_clock::now() + answer_within_;
  std::optional<Error> failure;
  bool synced = false;
  // Each statement's results end with a null; the sync point's result ends them all. A
  // failure makes the statements after it PGRES_PIPELINE_ABORTED: the first one stands.
  if (PQpipelineSync(conn_) != 0) {
    size_t statement = 0;
    for (;;) {
      if (!AwaitInput(deadline)) return TimedOut(*sent.back());
      PGresult* result = PQgetResult(conn_);
      if (result == nullptr) {
        if (PQstatus(conn_) == CONNECTION_BAD || ++statement > sent.size()) break;
        continue;
      }
      const ExecStatusType status = PQresultStatus(result);
      if (status == PGRES_PIPELINE_SYNC) {
        PQclear(result);
        synced = true;
        break;
      }
      if (IsError(result) && !failure) {
        failure = FailureOf(conn_, result, *sent[std::min(statement, sent.size() - 1)], where_);
      }
      const bool answer = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
      if (last != nullptr && answer && statement + 1 == sent.size() && *last == nullptr) {
        *last = result;
        continue;
      }
      PQclear(result);
    }
  }
  if (!synced || PQexitPipelineMode(conn_) == 0) {
    // The connection was lost (a reconnection leaves pipeline mode), inside the
    // transaction these statements were sent in. A connection libpq still thinks usable is
    // dropped too, so that the next call starts afresh outside pipeline mode.
    if (PQstatus(conn_) != CONNECTION_BAD) Abandon();
    lost_transaction_ = true;
    in_transaction_ = false;
    if (failure && failure->code == "storage_unavailable") return *failure;
    return DriverError("storage_unavailable",
                       fmt::format("the connection was lost: {}", OneLine(PQerrorMessage(conn_))), where_, false);
  }
  const PGTransactionStatusType state = PQtransactionStatus(conn_);
  in_transaction_ = state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
  if (failure) return *failure;
  return Status::Ok();
}

Error Connection::TimedOut(std::string_view sql) {
  if (in_transaction_ && !IsRollback(sql)) lost_transaction_ = true;
  in_transaction_ = false;
  return DriverError("storage_unavailable",
                     fmt::format("no answer within {} ms: the connection is dropped", answer_within_.count()), where_,
                     false);
}

Error Connection::Failed(const PGresult* result, std::string_view sql) {
  if (PQstatus(conn_) == CONNECTION_BAD) {
    if (in_transaction_ && !IsRollback(sql)) lost_transaction_ = true;
    in_transaction_ = false;
  } else {
    const PGTransactionStatusType state = PQtransactionStatus(conn_);
    in_transaction_ = state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
  }
  return FailureOf(conn_, result, sql, where_);
}

}  // namespace deliverer::store::postgres
