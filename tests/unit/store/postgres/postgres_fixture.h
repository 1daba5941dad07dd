#pragma once
// A test against the test PostgreSQL server (tests/support/services.h), in a schema of
// its own (tests/support/postgres_schema.h), with one open driver connection.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/db.h"
#include "support/postgres_schema.h"
#include "support/services.h"

namespace deliverer::store::postgres {

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = test_support::FreshSchemaUrl(test_support::ServiceUrl("postgres"));
    db_ = OpenConnection();
    ASSERT_NE(db_, nullptr);
  }

  std::unique_ptr<Connection> OpenConnection() {
    auto db = Connection::Open(url_);
    EXPECT_TRUE(db.ok()) << db.error().detail;
    return db.ok() ? std::move(*db) : nullptr;
  }

  Connection& db() { return *db_; }

  void Exec(std::string_view sql) {
    Status s = db_->Exec(sql);
    ASSERT_TRUE(s.ok()) << s.error().detail;
  }

  // Every row of `sql`'s first column, as text.
  std::vector<std::string> Column(std::string_view sql) {
    std::vector<std::string> values;
    auto stmt = db_->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.error().detail;
    if (!stmt.ok()) return values;
    for (auto row = stmt->Step(); row.ok() && *row; row = stmt->Step()) values.push_back(stmt->Text(0));
    return values;
  }

  std::string url_;
  std::unique_ptr<Connection> db_;
};

}  // namespace deliverer::store::postgres
