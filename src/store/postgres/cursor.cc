#include "store/postgres/cursor.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "store/postgres/db.h"
#include "store/postgres/errors.h"

namespace deliverer::store::postgres {
namespace {

constexpr Oid kByteaOid = 17;  // pg_type.h, which only the server's headers carry
constexpr Oid kTextOid = 25;

// A numeric's text (sum() of bigints is one) or a double's, truncated toward zero and
// clamped, as SQLite reads a real as an integer.
int64_t FromDecimal(const char* text) {
  const double value = std::strtod(text, nullptr);
  if (std::isnan(value)) return 0;
  if (value >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (value <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

int64_t ParseInt(const char* text, int length) {
  if (length == 1 && (text[0] == 't' || text[0] == 'f')) return text[0] == 't' ? 1 : 0;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text, text + length, value);
  if (error == std::errc() && end == text + length) return value;
  return FromDecimal(text);
}

}  // namespace

void PgCursor::Bind(int index, Kind kind, std::string_view bytes) {
  if (index < 1 || index > sql_.parameters) {
    bad_index_ = index;
    return;
  }
  params_[index - 1].kind = kind;
  params_[index - 1].bytes.assign(bytes.data(), bytes.size());
}

void PgCursor::BindInt(int index, int64_t value) { Bind(index, Kind::kText, std::to_string(value)); }
void PgCursor::BindText(int index, std::string_view value) { Bind(index, Kind::kText, value); }
void PgCursor::BindBlob(int index, std::string_view bytes) { Bind(index, Kind::kBlob, bytes); }
void PgCursor::BindNull(int index) { Bind(index, Kind::kNull, {}); }

void PgCursor::Release() {
  PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  failure_.reset();
}

void PgCursor::Reset() {
  Release();
  for (Param& param : params_) param = Param{};
  bad_index_.reset();
}

Result<bool> PgCursor::Step() {
  if (failure_) return *failure_;
  if (result_ == nullptr) {
    auto ran = Execute();
    if (!ran.ok()) failure_ = ran.error();
    return ran;
  }
  row_ = std::min(row_ + 1, PQntuples(result_));
  return row_ < PQntuples(result_);
}

Result<std::string> PgCursor::PreparedName() {
  if (generation_ != db_.generation_) {
    prepared_.clear();
    generation_ = db_.generation_;
  }
  std::string blobs(params_.size(), '-');
  std::vector<Oid> types(params_.size(), 0);
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].kind == Kind::kBlob) {
      blobs[i] = 'b';
      types[i] = kByteaOid;
    } else if (!sql_.used[i]) {
      types[i] = kTextOid;  // a number the text skips: the server cannot infer its type
    }
  }
  if (auto it = prepared_.find(blobs); it != prepared_.end()) return it->second;
  // Preparing waits for its answer, so the statements pipelined before it are answered first.
  if (Status flushed = db_.Flush(); !flushed.ok()) return flushed.error();
  std::string name = fmt::format("deliverer_{}", db_.next_statement_++);
  bool timed_out = false;
  PGresult* result = db_.Await(
      [&] {
        return PQsendPrepare(db_.conn_, name.c_str(), sql_.text.c_str(), static_cast<int>(types.size()),
                             types.data());
      },
      timed_out);
  if (timed_out) return db_.TimedOut(sql_.text);
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  Error error = ok ? Error{} : db_.Failed(result, sql_.text);
  PQclear(result);
  if (!ok) return error;
  prepared_.emplace(std::move(blobs), name);
  return name;
}

Result<PgCursor::Wire> PgCursor::WireParams() const {
  if (bad_index_) {
    return DriverError("storage_error", fmt::format("parameter {} is not in the statement", *bad_index_),
                       db_.where_, true);
  }
  Wire wire{std::vector<const char*>(params_.size(), nullptr), std::vector<int>(params_.size(), 0),
            std::vector<int>(params_.size(), 0)};
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& param = params_[i];
    if (param.kind == Kind::kNull) continue;
    // libpq reads a text parameter up to its first NUL: a NUL inside would cut it short
    // silently (and PostgreSQL's text cannot hold one anyway).
    if (param.kind == Kind::kText && param.bytes.find('\0') != std::string::npos) {
      return DriverError("storage_error", fmt::format("text parameter {} holds a NUL byte", i + 1), db_.where_,
                         true);
    }
    wire.values[i] = param.bytes.c_str();
    wire.lengths[i] = static_cast<int>(param.bytes.size());
    wire.formats[i] = param.kind == Kind::kBlob ? 1 : 0;
  }
  return wire;
}

Status PgCursor::Send() {
  // Outside a transaction each statement commits alone, and a pipeline would make those
  // between two sync points one implicit transaction instead: run at once.
  if (!db_.in_transaction_ || db_.lost_transaction_) return sql::Cursor::Send();
  auto wire = WireParams();
  if (!wire.ok()) return wire.error();
  if (db_.pipelined_.size() >= Connection::kMaxPipelined) {
    if (Status flushed = db_.Flush(); !flushed.ok()) return flushed;
  }
  auto name = PreparedName();  // flushes the pipeline first if it must prepare
  if (!name.ok()) return name.error();
  if (PQpipelineStatus(db_.conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(db_.conn_) == 0) {
    return sql::Cursor::Send();  // libpq says the connection is busy: not ours to pipeline
  }
  if (PQsendQueryPrepared(db_.conn_, name->c_str(), static_cast<int>(params_.size()), wire->values.data(),
                          wire->lengths.data(), wire->formats.data(), 0) == 0) {
    // Not even queued: what was sent before it still has its answers to give.
    Status flushed = db_.Flush();
    if (!flushed.ok()) return flushed;
    return DriverError("storage_unavailable", fmt::format("could not send: {}", OneLine(PQerrorMessage(db_.conn_))),
                       db_.where_, false);
  }
  db_.pipelined_.push_back(&sql_.text);
  return Status::Ok();
}

Result<bool> PgCursor::ExecuteInPipeline(const std::string& name, const Wire& wire) {
  if (PQsendQueryPrepared(db_.conn_, name.c_str(), static_cast<int>(params_.size()), wire.values.data(),
                          wire.lengths.data(), wire.formats.data(), 0) == 0) {
    Status flushed = db_.Flush();
    if (!flushed.ok()) return flushed.error();
    return DriverError("storage_unavailable", fmt::format("could not send: {}", OneLine(PQerrorMessage(db_.conn_))),
                       db_.where_, false);
  }
  db_.pipelined_.push_back(&sql_.text);
  PGresult* last = nullptr;
  if (Status drained = db_.Drain(&last); !drained.ok()) {
    PQclear(last);
    return drained.error();
  }
  if (last == nullptr) return DriverError("storage_error", "the pipeline gave no answer", db_.where_, true);
  db_.Succeeded(last);
  result_ = last;
  row_ = 0;
  return PQntuples(result_) > 0;
}

Result<bool> PgCursor::Execute() {
  auto wire = WireParams();
  if (!wire.ok()) return wire.take_error();
  if (db_.Pipelined()) {
    // One round trip for the statements sent ahead and this one, unless it must be
    // prepared first (which answers them).
    auto name = PreparedName();
    if (!name.ok()) return name.take_error();
    if (db_.Pipelined()) return ExecuteInPipeline(*name, *wire);
  }
  const Wire& params = *wire;
  // A read outside a transaction that finds its connection lost (an idle pooled reader
  // after the server restarted) is run once more on a new one: a read changes nothing, so
  // running it twice is safe, and otherwise every idle connection would fail one request
  // after each restart. A write is never run again: it may have committed.
  const bool retry_allowed = !db_.in_transaction_ && IsRead(sql_.text);
  for (int attempt = 0;; ++attempt) {
    if (Status usable = db_.Usable(sql_.text); !usable.ok()) return usable.error();
    auto name = PreparedName();
    Error error;
    if (name.ok()) {
      bool timed_out = false;
      PGresult* result = db_.Await(
          [&] {
            return PQsendQueryPrepared(db_.conn_, name->c_str(), static_cast<int>(params_.size()),
                                       params.values.data(), params.lengths.data(), params.formats.data(), 0);
          },
          timed_out);
      // Never run again: the server may have run it.
      if (timed_out) return db_.TimedOut(sql_.text);
      const ExecStatusType status = PQresultStatus(result);
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        db_.Succeeded(result);
        result_ = result;
        row_ = 0;
        return PQntuples(result_) > 0;
      }
      error = db_.Failed(result, sql_.text);
      PQclear(result);
    } else {
      error = name.take_error();
    }
    if (attempt > 0 || !retry_allowed || error.code != "storage_unavailable") return error;
    // The server may have said why it ends the session (it is shutting down, or lost its
    // postmaster) before libpq saw the socket close: reconnect whatever libpq's state.
    if (Status again = db_.Reconnect(); !again.ok()) return again.error();
  }
}

const char* PgCursor::Value(int column) const {
  if (result_ == nullptr || row_ < 0 || row_ >= PQntuples(result_)) return nullptr;
  if (column < 0 || column >= PQnfields(result_) || PQgetisnull(result_, row_, column)) return nullptr;
  return PQgetvalue(result_, row_, column);
}

int64_t PgCursor::Int(int column) const {
  const char* value = Value(column);
  return value == nullptr ? 0 : ParseInt(value, PQgetlength(result_, row_, column));
}

std::string PgCursor::Text(int column) const {
  const char* value = Value(column);
  if (value == nullptr) return {};
  if (PQftype(result_, column) != kByteaOid) return std::string(value, PQgetlength(result_, row_, column));
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &length);
  if (bytes == nullptr) return {};  // out of memory
  std::string text(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return text;
}

bool PgCursor::IsNull(int column) const { return Value(column) == nullptr; }

}  // namespace deliverer::store::postgres
