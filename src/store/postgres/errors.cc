#include "store/postgres/errors.h"

#include <fmt/format.h>

#include "common/unhandled.h"

namespace deliverer::store::postgres {
namespace {

// SQLSTATEs (PostgreSQL's appendix A): the class is the first two characters.
bool InClass(std::string_view state, std::string_view cls) { return state.substr(0, 2) == cls; }

// The server is gone or going: the connection is lost (class 08, but for 08P01, which the
// server sends for a message it cannot read: a bug of ours), or the server shut it down.
bool IsLostConnection(std::string_view state) {
  if (state == "08P01") return false;
  return InClass(state, "08") || state == "57P01" || state == "57P02" || state == "57P03";
}

// Answers that no fault of the server, the disk or the load explains: SQL that does not fit
// the schema (42: syntax, undefined table or column), a value the SQL code should not have
// sent (22: data exceptions), a scalar subquery with several rows (21), a feature the server
// lacks (0A), a malformed protocol message (08P01), the server's own internal errors (XX).
// Faults (a lost connection, a full disk 53100, a timeout, a conflict) are not reported:
// /readyz, the metrics and the logs show those.
bool IsDefect(std::string_view state) {
  return InClass(state, "42") || InClass(state, "22") || InClass(state, "21") || InClass(state, "0A") ||
         InClass(state, "XX") || state == "08P01";
}

std::string_view CodeOf(std::string_view state, bool connection_lost) {
  if (connection_lost || IsLostConnection(state)) return "storage_unavailable";
  if (InClass(state, "23")) return "constraint";
  if (state == "40001" || state == "40P01") return "storage_conflict";
  return "storage_error";
}

// A ROLLBACK (or RELEASE) after a failure may find the transaction already ended: its error
// is no defect.
bool EndsTransaction(std::string_view sql) { return sql.starts_with("ROLLBACK") || sql.starts_with("RELEASE"); }

}  // namespace

std::string OneLine(std::string_view message) {
  std::string line;
  line.reserve(message.size());
  bool space = false;
  for (const char c : message) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  return line;
}

Error FailureOf(PGconn* conn, const PGresult* result, std::string_view sql, std::string_view where) {
  const bool lost = PQstatus(conn) == CONNECTION_BAD;
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // The primary message alone: the detail line may quote a row's values (a duplicate key).
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = OneLine(primary != nullptr ? primary : PQerrorMessage(conn));
  const std::string_view sqlstate = state != nullptr ? state : "";
  const std::string_view code = CodeOf(sqlstate, lost);
  if (code == "storage_unavailable") {
    return Error::Of(std::string(code), fmt::format("postgres {}: {}", where, message));
  }
  Error error = Error::Of(std::string(code), fmt::format("postgres: {} ({})", message, sqlstate));
  if (IsDefect(sqlstate) && !EndsTransaction(sql)) ReportInternalError({"storage", "postgres", error.detail, ""});
  return error;
}

Error DriverError(std::string_view code, std::string_view message, std::string_view where, bool defect) {
  Error error = Error::Of(std::string(code), fmt::format("postgres {}: {}", where, message));
  if (defect) ReportInternalError({"storage", "postgres", error.detail, ""});
  return error;
}

}  // namespace deliverer::store::postgres
