// The PostgreSQL driver against a real server (store/postgres/db.h): values go in and come
// back as they were bound, statements step through their rows, failures carry the codes
// the store acts on, and only defects reach the error sink.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/unhandled.h"
#include "postgres_fixture.h"

namespace deliverer::store::postgres {
namespace {

using PostgresDriver = PostgresTest;

// Counts what reaches the error sink while it lives.
class SinkReports {
 public:
  SinkReports() {
    SetErrorSink([this](const ErrorReport& report) { messages.emplace_back(report.message); });
  }
  ~SinkReports() { SetErrorSink(nullptr); }
  std::vector<std::string> messages;
};

TEST_F(PostgresDriver, IntegersRoundTripToTheirLimits) {
  Exec("CREATE TABLE t (k BIGINT, n BIGINT)");
  const std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -1, 0, 1,
                                       std::numeric_limits<int64_t>::max()};
  for (size_t i = 0; i < values.size(); ++i) {
    auto insert = db().Prepare("INSERT INTO t (k, n) VALUES (?, ?)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->Bind(1, static_cast<int64_t>(i)).Bind(2, values[i]).Run().ok());
  }
  auto select = db().Prepare("SELECT n FROM t ORDER BY k");
  ASSERT_TRUE(select.ok());
  for (int64_t expected : values) {
    ASSERT_TRUE(*select->Step());
    EXPECT_EQ(select->Int(0), expected);
  }
  EXPECT_FALSE(*select->Step());
}

TEST_F(PostgresDriver, BooleansAndNumericsReadAsIntegers) {
  Exec("CREATE TABLE t (n BIGINT)");
  Exec("INSERT INTO t VALUES (4000000000), (5000000000)");
  auto stmt = db().Prepare("SELECT sum(n), true, false, 7.9::numeric, -7.9::float8, count(*) FROM t");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Int(0), 9000000000);  // sum() of BIGINT is numeric
  EXPECT_EQ(stmt->Int(1), 1);
  EXPECT_EQ(stmt->Int(2), 0);
  EXPECT_EQ(stmt->Int(3), 7);
  EXPECT_EQ(stmt->Int(4), -7);
  EXPECT_EQ(stmt->Int(5), 2);
}

TEST_F(PostgresDriver, TextRoundTripsWithQuotesAndUtf8) {
  Exec("CREATE TABLE t (s TEXT)");
  const std::string text = "it's \"quoted\" \\ ? $1 -- é ✓ 😀";
  auto insert = db().Prepare("INSERT INTO t (s) VALUES (?)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->Bind(1, std::string_view(text)).Run().ok());
  EXPECT_EQ(Column("SELECT s FROM t"), std::vector<std::string>{text});
  // Bound where the statement gives it no type: the server takes it for text.
  auto echo = db().Prepare("SELECT ?");
  ASSERT_TRUE(echo.ok());
  echo->Bind(1, std::string_view(text));
  ASSERT_TRUE(*echo->Step());
  EXPECT_EQ(echo->Text(0), text);
}

TEST_F(PostgresDriver, NullsOfEveryTypeReadAsNull) {
  Exec("CREATE TABLE t (n BIGINT, s TEXT, b BYTEA)");
  auto insert = db().Prepare("INSERT INTO t (n, s, b) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  insert->Bind(1, std::optional<int64_t>()).BindNull(2);  // 3 is left unbound: NULL too
  ASSERT_TRUE(insert->Run().ok());
  auto select = db().Prepare("SELECT n, s, b FROM t");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  for (int column = 0; column < 3; ++column) EXPECT_TRUE(select->IsNull(column)) << column;
  EXPECT_EQ(select->OptionalInt(0), std::nullopt);
  EXPECT_EQ(select->Text(1), "");
  EXPECT_EQ(select->Text(2), "");
}

TEST_F(PostgresDriver, BlobsRoundTripByteExact) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, b BYTEA)");
  std::string bytes("\0\xff\0x'\\", 6);
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  auto insert = db().Prepare("INSERT INTO t (id, b) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->Bind(1, int64_t{1}).BindBlob(2, bytes).Run().ok());
  EXPECT_EQ(Column("SELECT b FROM t WHERE id = 1"), std::vector<std::string>{bytes});
  // As the store's re-encryption binds one: maybe a blob, maybe nothing, into one statement.
  const char* update = "UPDATE t SET b = coalesce(?2, b) WHERE id = ?1";
  auto keep = db().Prepare(update);
  ASSERT_TRUE(keep.ok());
  ASSERT_TRUE(keep->Bind(1, int64_t{1}).Run().ok());
  EXPECT_EQ(Column("SELECT b FROM t WHERE id = 1"), std::vector<std::string>{bytes});
  auto replace = db().Prepare(update);
  ASSERT_TRUE(replace.ok());
  ASSERT_TRUE(replace->Bind(1, int64_t{1}).BindBlob(2, std::string("\xff\0", 2)).Run().ok());
  EXPECT_EQ(Column("SELECT b FROM t WHERE id = 1"), std::vector<std::string>{std::string("\xff\0", 2)});
  // And where the statement gives it no type: still bytea, still exact.
  auto echo = db().Prepare("SELECT ?");
  ASSERT_TRUE(echo.ok());
  echo->BindBlob(1, bytes);
  ASSERT_TRUE(*echo->Step());
  EXPECT_EQ(echo->Text(0), bytes);
}

TEST_F(PostgresDriver, StepsThroughEveryRowThenStaysAtTheEnd) {
  Exec("CREATE TABLE t (n BIGINT)");
  Exec("INSERT INTO t SELECT generate_series(1, 5)");
  auto stmt = db().Prepare("SELECT n, n * 10 FROM t WHERE n >= ? ORDER BY n");
  ASSERT_TRUE(stmt.ok());
  stmt->Bind(1, int64_t{2});
  std::vector<int64_t> seen;
  for (auto row = stmt->Step(); row.ok() && *row; row = stmt->Step()) {
    EXPECT_EQ(stmt->Int(1), stmt->Int(0) * 10);
    seen.push_back(stmt->Int(0));
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 3, 4, 5}));
  auto again = stmt->Step();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  // Reset keeps nothing of the run or the bindings: the same text runs afresh.
  stmt->Reset();
  stmt->Bind(1, int64_t{5});
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Int(0), 5);
}

TEST_F(PostgresDriver, ChangesCountsTheLatestWrite) {
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  Exec("INSERT INTO t SELECT generate_series(1, 5)");
  EXPECT_EQ(db().Changes(), 5);
  auto update = db().Prepare("UPDATE t SET n = n + 100 WHERE n <= ?");
  ASSERT_TRUE(update.ok());
  ASSERT_TRUE(update->Bind(1, int64_t{3}).Run().ok());
  EXPECT_EQ(db().Changes(), 3);
  EXPECT_EQ(Column("SELECT n FROM t").size(), 5u);
  EXPECT_EQ(db().Changes(), 3);  // a read changes nothing
  auto remove = db().Prepare("DELETE FROM t WHERE n > ? RETURNING n");
  ASSERT_TRUE(remove.ok());
  ASSERT_TRUE(remove->Bind(1, int64_t{100}).Run().ok());
  EXPECT_EQ(db().Changes(), 3);
  auto skip = db().Prepare("INSERT INTO t (n) VALUES (?) ON CONFLICT DO NOTHING");
  ASSERT_TRUE(skip.ok());
  ASSERT_TRUE(skip->Bind(1, int64_t{4}).Run().ok());
  EXPECT_EQ(db().Changes(), 0);
}

TEST_F(PostgresDriver, AUniqueViolationIsAConstraintErrorAndNoDefect) {
  SinkReports reports;
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  Exec("INSERT INTO t VALUES (1)");
  auto insert = db().Prepare("INSERT INTO t (n) VALUES (?)");
  ASSERT_TRUE(insert.ok());
  Status s = insert->Bind(1, int64_t{1}).Run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "constraint");
  EXPECT_EQ(s.error().detail.find("(1)"), std::string::npos) << "no row values: " << s.error().detail;
  Status exec = db().Exec("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(exec.ok());
  EXPECT_EQ(exec.error().code, "constraint");
  EXPECT_TRUE(reports.messages.empty());
  EXPECT_EQ(Column("SELECT count(*) FROM t"), std::vector<std::string>{"1"});
}

TEST_F(PostgresDriver, SqlThatDoesNotFitIsAStorageErrorReportedAsADefect) {
  SinkReports reports;
  auto stmt = db().Prepare("SELEKT 1");
  ASSERT_TRUE(stmt.ok());  // prepared on the server at its first Step
  auto row = stmt->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().code, "storage_error");
  Status exec = db().Exec("SELECT missing FROM nowhere");
  ASSERT_FALSE(exec.ok());
  EXPECT_EQ(exec.error().code, "storage_error");
  ASSERT_EQ(reports.messages.size(), 2u);
  EXPECT_NE(reports.messages[0].find("42601"), std::string::npos) << reports.messages[0];
  EXPECT_NE(reports.messages[1].find("42P01"), std::string::npos) << reports.messages[1];
  EXPECT_EQ(Column("SELECT 1"), std::vector<std::string>{"1"});
}

TEST_F(PostgresDriver, TextWithANulIsRefusedRatherThanCutShort) {
  Exec("CREATE TABLE t (s TEXT)");
  auto insert = db().Prepare("INSERT INTO t (s) VALUES (?)");
  ASSERT_TRUE(insert.ok());
  Status s = insert->Bind(1, std::string_view("ab\0cd", 5)).Run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "storage_error");
  EXPECT_TRUE(Column("SELECT s FROM t").empty());
}

TEST_F(PostgresDriver, ASavepointKeepsTheTransactionUsableAfterAFailedStatement) {
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1)");
  Exec("SAVEPOINT job");
  auto dup = db().Prepare("INSERT INTO t (n) VALUES (?)");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->Bind(1, int64_t{1}).Run().error().code, "constraint");
  Exec("ROLLBACK TO job");
  Exec("RELEASE job");
  Exec("INSERT INTO t VALUES (2)");
  Exec("COMMIT");
  EXPECT_EQ(Column("SELECT n FROM t ORDER BY n"), (std::vector<std::string>{"1", "2"}));
}

TEST_F(PostgresDriver, CommittingAFailedTransactionIsAnError) {
  SinkReports reports;
  Exec("CREATE TABLE t (n BIGINT PRIMARY KEY)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1)");
  EXPECT_FALSE(db().Exec("INSERT INTO t VALUES (1)").ok());
  // PostgreSQL itself answers this COMMIT with a rollback, and no error.
  Status commit = db().Exec("COMMIT");
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().code, "storage_error");
  EXPECT_EQ(reports.messages.size(), 1u);
  EXPECT_TRUE(Column("SELECT n FROM t").empty());
}

TEST_F(PostgresDriver, ABindOutsideTheStatementFailsIt) {
  SinkReports reports;
  auto stmt = db().Prepare("SELECT ?");
  ASSERT_TRUE(stmt.ok());
  auto row = stmt->Bind(1, int64_t{1}).Bind(2, int64_t{2}).Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().code, "storage_error");
  EXPECT_EQ(reports.messages.size(), 1u);
}

TEST_F(PostgresDriver, SaysItIsPostgres) { EXPECT_EQ(db().dialect(), sql::Dialect::kPostgres); }

TEST_F(PostgresDriver, OpenFillsInWhatTheUrlLeavesOut) {
  EXPECT_EQ(Column("SHOW application_name"), std::vector<std::string>{"deliverer"});
  ASSERT_NE(url_.find('?'), std::string::npos);  // a URI, with its search_path
  auto named = Connection::Open(url_ + "&application_name=mine");
  ASSERT_TRUE(named.ok()) << named.error().detail;
  auto stmt = (*named)->Prepare("SHOW application_name");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Text(0), "mine");
}

TEST(PostgresOpen, AFailureNamesTheServerButNeverThePassword) {
  // Port 1 on the loopback: nothing listens, the attempt is refused at once.
  auto refused = Connection::Open("postgresql://deliverer:s3cret-Pass@127.0.0.1:1/deliverer");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "storage_unavailable");
  EXPECT_NE(refused.error().detail.find("127.0.0.1:1/deliverer"), std::string::npos) << refused.error().detail;
  EXPECT_EQ(refused.error().detail.find("s3cret-Pass"), std::string::npos) << refused.error().detail;

  auto garbled = Connection::Open("host=127.0.0.1 password='s3cret-Pass");
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.error().code, "storage_unavailable");
  EXPECT_EQ(garbled.error().detail.find("s3cret-Pass"), std::string::npos) << garbled.error().detail;
}

}  // namespace
}  // namespace deliverer::store::postgres
