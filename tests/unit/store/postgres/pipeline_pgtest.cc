// Writes sent ahead (store/postgres/db.h, Statement::Send): inside a transaction they are
// pipelined and run in the order sent, before any later read; the first failure among them
// comes back from the call that waits for their answers, with the code it would have had
// alone; outside a transaction a Send runs at once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/unhandled.h"
#include "postgres_fixture.h"

namespace deliverer::store::postgres {
namespace {

using PostgresPipeline = PostgresTest;

Status SendInsert(Connection& db, int64_t n) {
  auto stmt = db.Prepare("INSERT INTO t (n) VALUES (?)");
  if (!stmt.ok()) return stmt.take_error();
  return stmt->Bind(1, n).Send();
}

TEST_F(PostgresPipeline, WritesSentInATransactionRunInOrderBeforeTheNextRead) {
  Exec("CREATE TABLE t (seq BIGSERIAL, n BIGINT)");
  Exec("BEGIN");
  // More than are ever left unanswered at once.
  const int64_t count = static_cast<int64_t>(Connection::kMaxPipelined) * 2 + 7;
  for (int64_t n = 0; n < count; ++n) ASSERT_TRUE(SendInsert(db(), n).ok());
  // A statement prepared for the first time, after them, sees them all.
  auto in_order = db().Prepare("SELECT count(*) FROM t WHERE n = seq - 1");
  ASSERT_TRUE(in_order.ok());
  ASSERT_TRUE(*in_order->Step());
  EXPECT_EQ(in_order->Int(0), count);
  in_order->Reset();
  // Prepared now, the same read joins the pipeline behind the next writes.
  for (int64_t n = count; n < count + 3; ++n) ASSERT_TRUE(SendInsert(db(), n).ok());
  auto again = db().Prepare("SELECT count(*) FROM t WHERE n = seq - 1");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(*again->Step());
  EXPECT_EQ(again->Int(0), count + 3);
  again->Reset();
  // So does a write whose row count is read.
  ASSERT_TRUE(SendInsert(db(), count + 3).ok());
  auto counted = db().Prepare("UPDATE t SET n = n WHERE n >= ?");
  ASSERT_TRUE(counted.ok());
  ASSERT_TRUE(counted->Bind(1, count).Run().ok());
  EXPECT_EQ(db().Changes(), 4);
  counted->Reset();
  ASSERT_TRUE(SendInsert(db(), count + 4).ok());
  ASSERT_TRUE(counted->Bind(1, count).Run().ok());
  EXPECT_EQ(db().Changes(), 5);
  counted->Reset();
  Exec("COMMIT");
  EXPECT_EQ(Column("SELECT count(*) FROM t"), std::vector<std::string>{std::to_string(count + 5)});
}

TEST_F(PostgresPipeline, TheFirstFailureComesBackFromFlushAndTheSavepointUndoesIt) {
  std::vector<std::string> defects;
  SetErrorSink([&](const ErrorReport& report) { defects.emplace_back(report.message); });
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1)");
  Exec("SAVEPOINT items");
  ASSERT_TRUE(SendInsert(db(), 2).ok());
  ASSERT_TRUE(SendInsert(db(), 1).ok()) << "sent: its failure is not known yet";
  ASSERT_TRUE(SendInsert(db(), 3).ok());
  Status flushed = db().Flush();
  ASSERT_FALSE(flushed.ok());
  EXPECT_EQ(flushed.error().code, "constraint");
  EXPECT_TRUE(db().Flush().ok()) << "nothing is left to answer";
  Exec("ROLLBACK TO items");
  Exec("RELEASE items");
  ASSERT_TRUE(SendInsert(db(), 4).ok());
  Exec("COMMIT");  // waits for the insert sent before it
  EXPECT_EQ(Column("SELECT n FROM t ORDER BY n"), (std::vector<std::string>{"1", "4"}));
  SetErrorSink(nullptr);
  EXPECT_TRUE(defects.empty()) << "a unique violation is no defect";
}

TEST_F(PostgresPipeline, AReadAfterAFailedSendFailsWithIt) {
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  // The read prepared before (answered with the pipeline) and prepared after (which
  // answers the pipeline before it is prepared) fail alike.
  for (bool prepared_before : {true, false}) {
    SCOPED_TRACE(prepared_before);
    const std::string sql = prepared_before ? "SELECT count(*) FROM t" : "SELECT count(*) + 0 FROM t";
    if (prepared_before) {
      EXPECT_EQ(Column(sql), std::vector<std::string>{"0"});
    }
    Exec("BEGIN");
    Exec("INSERT INTO t VALUES (1)");
    ASSERT_TRUE(SendInsert(db(), 1).ok());
    auto read = db().Prepare(sql);
    ASSERT_TRUE(read.ok());
    auto row = read->Step();
    ASSERT_FALSE(row.ok());
    EXPECT_EQ(row.error().code, "constraint");
    read->Reset();
    Exec("ROLLBACK");
  }
}

TEST_F(PostgresPipeline, OutsideATransactionASendRunsAtOnce) {
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  ASSERT_TRUE(SendInsert(db(), 1).ok());
  // Its own failure, here: nothing waits to be answered, and it committed alone.
  Status again = SendInsert(db(), 1);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "constraint");
  EXPECT_TRUE(db().Flush().ok());
  auto other = OpenConnection();
  ASSERT_NE(other, nullptr);
  auto seen = other->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(seen.ok());
  ASSERT_TRUE(*seen->Step());
  EXPECT_EQ(seen->Int(0), 1);
}

}  // namespace
}  // namespace deliverer::store::postgres
