#pragma once
// What a failed libpq call means for the store, as an Error value with the codes of
// store/sql/db.h, and which failures are defects for the error sink (common/unhandled.h).
#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace deliverer::store::postgres {

// The error of a failed call on `conn`: `result` is its result (null when libpq made none),
// `sql` the statement (only to recognise ROLLBACK and RELEASE, which are no defect), `where`
// the server as host:port/dbname (never the URL: it may carry a password). A defect is
// reported to the error sink before it is returned.
Error FailureOf(PGconn* conn, const PGresult* result, std::string_view sql, std::string_view where);

// An error the driver finds itself, before anything reaches the server: a misuse by the
// SQL code (reported as a defect) or a fault.
Error DriverError(std::string_view code, std::string_view message, std::string_view where, bool defect);

// libpq's message on one line (its messages run over several, indented).
std::string OneLine(std::string_view message);

}  // namespace deliverer::store::postgres
