#pragma once
// One statement text of a postgres::Connection (store/postgres/db.h), owned by its
// statement cache: its bindings, its server-side prepared statements and, while it runs,
// its result. Not thread-safe, like its connection.
//
// Parameters and blobs: PostgreSQL fixes a prepared statement's parameter types when it is
// prepared, and a blob must reach the server as bytea: sent as text it would be taken for
// whatever type the statement's context suggests (text for `SELECT ?`), which cannot hold
// every byte, and as hex text it would cost twice its size. So a statement is prepared at
// its first Step, with bytea for the parameters bound as blobs and the rest left to the
// server to infer (OID 0), and kept per set of blob parameters: nearly every statement
// binds blobs in the same places every time, so it is prepared once. Blobs are sent in
// binary, their bytes as they are; integers as decimal text, text as text. A blob bound
// where the server expects text fails the statement rather than storing hex.
#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "store/postgres/placeholders.h"
#include "store/sql/db.h"

namespace deliverer::store::postgres {

class Connection;

class PgCursor final : public sql::Cursor {
 public:
  PgCursor(Connection& db, NumberedSql sql) : db_(db), sql_(std::move(sql)), params_(sql_.parameters) {}
  ~PgCursor() override { Release(); }
  PgCursor(const PgCursor&) = delete;
  PgCursor& operator=(const PgCursor&) = delete;

  // An index outside the statement's parameters fails its next Step (SQL code's bug).
  void BindInt(int index, int64_t value) override;
  void BindText(int index, std::string_view value) override;
  void BindBlob(int index, std::string_view bytes) override;
  void BindNull(int index) override;
  // The first Step runs the statement and holds its whole result (statements bound their
  // rows with LIMIT); later ones walk its rows. A failure is returned again by every Step
  // until Release or Reset.
  Result<bool> Step() override;
  // Inside a transaction, pipelined (postgres::Connection); outside one, run at once.
  Status Send() override;
  void Release() override;
  void Reset() override;
  // Read the current row; outside one, 0, "" and true. Int parses the text: integers,
  // booleans (t/f as 1/0) and numerics (sum() of bigints), truncated toward zero. Text
  // gives a bytea column's bytes unescaped, so a blob reads back as it was bound.
  int64_t Int(int column) const override;
  std::string Text(int column) const override;
  bool IsNull(int column) const override;

 private:
  enum class Kind : uint8_t { kNull, kText, kBlob };
  struct Param {
    Kind kind = Kind::kNull;
    std::string bytes;
  };

  void Bind(int index, Kind kind, std::string_view bytes);
  // The server-side statement for the current blob parameters, prepared if need be.
  Result<std::string> PreparedName();
  Result<bool> Execute();
  // The bound parameters as libpq takes them, pointing into params_.
  struct Wire {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  Result<Wire> WireParams() const;
  // Sent after the statements waiting in the pipeline and answered with them.
  Result<bool> ExecuteInPipeline(const std::string& name, const Wire& wire);
  const char* Value(int column) const;

  Connection& db_;
  const NumberedSql sql_;
  std::vector<Param> params_;
  std::optional<int> bad_index_;  // a Bind outside the parameters, reported by Step
  // Prepared statement names by blob parameters ('b' or '-' per parameter), valid while
  // the connection's generation is `generation_`.
  std::unordered_map<std::string, std::string> prepared_;
  uint64_t generation_ = 0;
  PGresult* result_ = nullptr;
  int row_ = -1;
  std::optional<Error> failure_;
};

}  // namespace deliverer::store::postgres
