// The driver across a server crash (store/postgres/db.h): the same Connection fails at most
// once with "storage_unavailable", then reconnects and prepares its statements again; a
// transaction the crash ended refuses further statements until its caller ends it. Runs
// alone (SERIAL): every other test that needs PostgreSQL shares this server.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "postgres_fixture.h"

namespace deliverer::store::postgres {
namespace {

class PostgresReconnect : public PostgresTest {
 protected:
  // Whatever failed, the server is up again for the tests after this one.
  void TearDown() override {
    if (killed_) test_support::RestartService("postgres");
  }

  void Kill() {
    killed_ = true;
    test_support::KillService("postgres");
  }
  void Restart() {
    test_support::RestartService("postgres");
    killed_ = false;
  }
  void Crash() {
    Kill();
    Restart();
  }

 private:
  bool killed_ = false;
};

// Runs the cached statement "SELECT ? + 1" and returns its answer, or the error.
Result<int64_t> AddOne(Connection& db, int64_t n) {
  auto stmt = db.Prepare("SELECT ? + 1");
  if (!stmt.ok()) return stmt.take_error();
  auto row = stmt->Bind(1, n).Step();
  if (!row.ok()) return row.take_error();
  return stmt->Int(0);
}

TEST_F(PostgresReconnect, TheSameConnectionWorksAgainAfterTheServerRestarts) {
  ASSERT_EQ(*AddOne(db(), 1), 2);  // prepared on the server
  Crash();
  int failures = 0;
  Result<int64_t> answer = AddOne(db(), 2);
  if (!answer.ok()) {
    ++failures;
    EXPECT_EQ(answer.error().code, "storage_unavailable") << answer.error().detail;
    answer = AddOne(db(), 2);
  }
  ASSERT_TRUE(answer.ok()) << answer.error().detail;
  EXPECT_EQ(*answer, 3);
  EXPECT_LE(failures, 1);
  Exec("CREATE TABLE t (n BIGINT)");  // and plain statements too
}

TEST_F(PostgresReconnect, WhileTheServerIsDownCallsFailFast) {
  ASSERT_EQ(*AddOne(db(), 1), 2);
  Kill();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    auto answer = AddOne(db(), 1);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, "storage_unavailable");
  }
  // Refused at once: well under one connect_timeout (5 s) for all three.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  Restart();
  auto answer = AddOne(db(), 1);
  ASSERT_TRUE(answer.ok()) << answer.error().detail;
  EXPECT_EQ(*answer, 2);
}

TEST_F(PostgresReconnect, ATransactionTheCrashEndedRefusesStatementsUntilRolledBack) {
  Exec("CREATE TABLE t (n BIGINT)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1)");
  Crash();
  // Were these to run, each would commit on its own, outside the transaction.
  for (const char* sql : {"INSERT INTO t VALUES (2)", "INSERT INTO t VALUES (3)"}) {
    Status s = db().Exec(sql);
    ASSERT_FALSE(s.ok()) << sql;
    EXPECT_EQ(s.error().code, "storage_unavailable");
  }
  auto stmt = db().Prepare("INSERT INTO t VALUES (4)");
  ASSERT_FALSE(stmt.ok());
  EXPECT_EQ(stmt.error().code, "storage_unavailable");
  Exec("ROLLBACK");
  Exec("INSERT INTO t VALUES (5)");
  EXPECT_EQ(Column("SELECT n FROM t"), std::vector<std::string>{"5"});
}

TEST_F(PostgresReconnect, WritesSentAheadWhenTheServerCrashesFailTheirTransaction) {
  Exec("CREATE TABLE t (n BIGINT)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1)");
  Crash();
  auto insert = db().Prepare("INSERT INTO t (n) VALUES (?)");
  ASSERT_TRUE(insert.ok()) << "the loss is not known before something is sent";
  Status sent = insert->Bind(1, int64_t{2}).Send();
  Status answered = sent.ok() ? db().Flush() : sent;
  ASSERT_FALSE(answered.ok());
  EXPECT_EQ(answered.error().code, "storage_unavailable");
  Status commit = db().Exec("COMMIT");
  ASSERT_FALSE(commit.ok()) << "a COMMIT must not claim what the crash took";
  Exec("INSERT INTO t VALUES (3)");
  EXPECT_EQ(Column("SELECT n FROM t"), std::vector<std::string>{"3"});
}

}  // namespace
}  // namespace deliverer::store::postgres
