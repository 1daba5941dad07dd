// No call waits for the server forever (store/postgres/db.h `answer_within`): with the
// server behind a proxy that starts holding every byte (a hung server, or a middlebox
// TCP notices nothing wrong with), a call fails "storage_unavailable" once its deadline
// passes, and the next call after the server is back reconnects.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "store/postgres/db.h"
#include "support/fault_proxy.h"
#include "support/postgres_schema.h"
#include "support/services.h"

namespace deliverer::store::postgres {
namespace {

using test_support::FaultProxy;
using namespace std::chrono_literals;

constexpr auto kDeadline = 300ms;

class PostgresDeadline : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string direct = test_support::FreshSchemaUrl(test_support::ServiceUrl("postgres"));
    const std::string port = ":" + std::to_string(test_support::ServicePort("postgres")) + "/";
    const size_t at = direct.find(port);
    ASSERT_NE(at, std::string::npos) << direct;
    url_ = direct.substr(0, at) + ":" + std::to_string(proxy_.port()) + "/" + direct.substr(at + port.size());
    auto db = Connection::Open(url_, kDeadline);
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (v BIGINT)").ok());
  }

  Result<int64_t> Count() {
    auto stmt = db_->Prepare("SELECT count(*) FROM t");
    if (!stmt.ok()) return stmt.take_error();
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    return stmt->Int(0);
  }

  FaultProxy proxy_{"127.0.0.1", static_cast<uint16_t>(test_support::ServicePort("postgres"))};
  std::string url_;
  std::unique_ptr<Connection> db_;
};

TEST_F(PostgresDeadline, ACallToAServerThatStopsAnsweringFailsAtItsDeadline) {
  ASSERT_TRUE(Count().ok());
  proxy_.Set(FaultProxy::Mode::kBlackhole);

  const auto start = std::chrono::steady_clock::now();
  auto held = Count();
  const auto waited = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code, "storage_unavailable");
  EXPECT_NE(held.error().detail.find("no answer within 300 ms"), std::string::npos) << held.error().detail;
  EXPECT_GE(waited, kDeadline);
  EXPECT_LT(waited, 5s) << "a read is retried once on a new session, never after a deadline";

  proxy_.Set(FaultProxy::Mode::kPass);
  auto again = Count();
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(*again, 0);
}

TEST_F(PostgresDeadline, AWriteThatTimesOutInsideATransactionEndsIt) {
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
  proxy_.Set(FaultProxy::Mode::kBlackhole);
  Status held = db_->Exec("INSERT INTO t VALUES (2)");
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code, "storage_unavailable");
  proxy_.Set(FaultProxy::Mode::kPass);

  // Nothing more runs as if the transaction went on, each statement committing alone.
  Status after = db_->Exec("INSERT INTO t VALUES (3)");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().detail.find("lost inside this transaction"), std::string::npos) << after.error().detail;
  ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
  auto count = Count();
  ASSERT_TRUE(count.ok()) << count.error().detail;
  EXPECT_EQ(*count, 0) << "the transaction's first insert went with it";
}

TEST_F(PostgresDeadline, WritesSentAheadToAServerThatStopsAnsweringFailAtTheDeadline) {
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
  for (int64_t v = 2; v < 5; ++v) {
    // The first Send prepares the statement, which waits for its answer; the others do not.
    if (v == 3) proxy_.Set(FaultProxy::Mode::kBlackhole);
    auto insert = db_->Prepare("INSERT INTO t (v) VALUES (?)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->Bind(1, v).Send().ok()) << "sent ahead: nothing waits for the answer yet";
  }
  Status flushed = db_->Flush();
  ASSERT_FALSE(flushed.ok());
  EXPECT_EQ(flushed.error().code, "storage_unavailable");
  proxy_.Set(FaultProxy::Mode::kPass);
  Status after = db_->Exec("INSERT INTO t VALUES (5)");
  ASSERT_FALSE(after.ok()) << "the transaction is lost, and nothing runs as if it went on";
  ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
  auto count = Count();
  ASSERT_TRUE(count.ok()) << count.error().detail;
  EXPECT_EQ(*count, 0);
}

}  // namespace
}  // namespace deliverer::store::postgres
