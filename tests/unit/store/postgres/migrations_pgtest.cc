// The PostgreSQL schema (store/postgres/migrations.h): the same tables, columns and
// indexes as SQLite's after all of its migrations, applied once however many processes
// start together, and a database newer than the binary refused.
#include "store/postgres/migrations.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "postgres_fixture.h"
#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"

namespace deliverer::store::postgres {
namespace {

using PostgresMigrations = PostgresTest;

// table → column → "type" or "type not null", in PostgreSQL's type names.
using Columns = std::map<std::string, std::map<std::string, std::string>>;

struct Schema {
  Columns columns;
  std::set<std::string> indexes;
  std::set<std::string> partial_indexes;
};

template <class Db>
std::vector<std::vector<std::string>> Rows(Db& db, const std::string& sql, int columns) {
  std::vector<std::vector<std::string>> rows;
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << sql;
  if (!stmt.ok()) return rows;
  for (auto row = stmt->Step(); row.ok() && *row; row = stmt->Step()) {
    std::vector<std::string> values;
    for (int c = 0; c < columns; ++c) values.push_back(stmt->Text(c));
    rows.push_back(std::move(values));
  }
  return rows;
}

std::string PgType(const std::string& sqlite_type) {
  if (sqlite_type == "INTEGER") return "bigint";
  if (sqlite_type == "TEXT") return "text";
  if (sqlite_type == "BLOB") return "bytea";
  return "?" + sqlite_type;
}

Schema SqliteSchema() {
  Schema schema;
  auto db = sqlite::Connection::Open(":memory:", false);
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return schema;
  EXPECT_TRUE(sqlite::Migrate(**db).ok());
  for (const auto& table : Rows(**db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                      " AND name <> 'sqlite_sequence'", 1)) {
    const std::string& name = table[0];
    for (const auto& c : Rows(**db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('" + name + "')", 4)) {
      // A primary key is NOT NULL in PostgreSQL (SQLite lets a TEXT one be NULL).
      const bool not_null = c[2] == "1" || c[3] != "0";
      schema.columns[name][c[0]] = PgType(c[1]) + (not_null ? " not null" : "");
    }
    for (const auto& index : Rows(**db, "SELECT name, partial FROM pragma_index_list('" + name + "')"
                                        " WHERE name NOT LIKE 'sqlite_autoindex%'", 2)) {
      schema.indexes.insert(index[0]);
      if (index[1] == "1") schema.partial_indexes.insert(index[0]);
    }
  }
  // payload_hash is declared TEXT but holds the hash's raw bytes.
  schema.columns["messages"]["payload_hash"] = "bytea not null";
  return schema;
}

Schema PostgresSchema(Connection& db) {
  Schema schema;
  for (const auto& c : Rows(db, "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
                                " WHERE table_schema = current_schema() AND table_name <> 'schema_version'"
                                " AND column_name <> 'rowid'", 4)) {
    schema.columns[c[0]][c[1]] = c[2] + (c[3] == "NO" ? " not null" : "");
  }
  for (const auto& index : Rows(db, "SELECT c.relname, i.indpred IS NOT NULL FROM pg_index i"
                                    " JOIN pg_class c ON c.oid = i.indexrelid"
                                    " WHERE c.relnamespace = current_schema()::regnamespace", 2)) {
    schema.indexes.insert(index[0]);
    if (index[1] == "t") schema.partial_indexes.insert(index[0]);
  }
  return schema;
}

int64_t Version(Connection& db) {
  auto stmt = db.Prepare("SELECT version FROM schema_version");
  EXPECT_TRUE(stmt.ok());
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row);
  return stmt->Int(0);
}

TEST_F(PostgresMigrations, TheSchemaIsSqlitesFinalOne) {
  ASSERT_TRUE(Migrate(db()).ok());
  const Schema sqlite = SqliteSchema();
  const Schema postgres = PostgresSchema(db());
  EXPECT_EQ(postgres.columns, sqlite.columns);
  for (const std::string& index : sqlite.indexes) EXPECT_TRUE(postgres.indexes.contains(index)) << index;
  EXPECT_EQ(postgres.partial_indexes, sqlite.partial_indexes);
}

TEST_F(PostgresMigrations, StatementsSharedWithSqliteReadRowid) {
  ASSERT_TRUE(Migrate(db()).ok());
  Exec("INSERT INTO audit (at, key_id, account, source_ip, action, target, correlation_id)"
       " VALUES (1, 'k', 'a', 'ip', 'x', 't', 'c'), (2, 'k', 'a', 'ip', 'y', 't', 'c')");
  EXPECT_EQ(Column("SELECT rowid - seq FROM audit"), (std::vector<std::string>{"0", "0"}));
  Exec("INSERT INTO receipts_parked (carrier, match_key, carrier_id, status, carrier_code, at)"
       " VALUES ('c', 'k1', 'id', 3, '', 10), ('c', 'k2', 'id', 3, '', 20), ('c', 'k3', 'id', 3, '', 5)");
  // Retention's (store/sql/retention.cc): the oldest rows written, if old enough.
  auto parked = db().Prepare(
      "DELETE FROM receipts_parked WHERE rowid IN (SELECT rowid FROM receipts_parked"
      " ORDER BY rowid LIMIT ?2) AND at < ?1");
  ASSERT_TRUE(parked.ok());
  ASSERT_TRUE(parked->Bind(1, int64_t{15}).Bind(2, int64_t{2}).Run().ok());
  EXPECT_EQ(db().Changes(), 1);
  EXPECT_EQ(Column("SELECT match_key FROM receipts_parked ORDER BY rowid"), (std::vector<std::string>{"k2", "k3"}));
}

TEST_F(PostgresMigrations, MigratingAgainChangesNothing) {
  ASSERT_TRUE(Migrate(db()).ok());
  Exec("INSERT INTO accounts (id, created_at) VALUES ('acme', 1)");
  Status again = Migrate(db());
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(Version(db()), LatestSchemaVersion());
  EXPECT_EQ(Column("SELECT id FROM accounts"), std::vector<std::string>{"acme"});
}

TEST_F(PostgresMigrations, ProcessesStartingTogetherApplyItOnce) {
  constexpr int kProcesses = 4;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kProcesses; ++i) connections.push_back(OpenConnection());
  std::vector<Status> results(kProcesses);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kProcesses; ++i) {
      threads.emplace_back([&, i] { results[i] = Migrate(*connections[i]); });
    }
  }
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(Column("SELECT count(*) FROM schema_version"), std::vector<std::string>{"1"});
  EXPECT_EQ(Version(db()), LatestSchemaVersion());
}

TEST_F(PostgresMigrations, ADatabaseNewerThanTheBinaryIsRefused) {
  ASSERT_TRUE(Migrate(db()).ok());
  Exec("UPDATE schema_version SET version = version + 1");
  Status refused = Migrate(db());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().detail.find("newer than this binary"), std::string::npos) << refused.error().detail;
  EXPECT_EQ(Version(db()), LatestSchemaVersion() + 1);
}

}  // namespace
}  // namespace deliverer::store::postgres
