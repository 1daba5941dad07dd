// The shared placeholder syntax as PostgreSQL reads it (store/postgres/db.h
// NumberPlaceholders): what the driver sends for each statement text.
#include <gtest/gtest.h>

#include "store/postgres/db.h"
#include "store/postgres/placeholders.h"

namespace deliverer::store::postgres {
namespace {

TEST(PostgresPlaceholders, PlainOnesAreNumberedInOrder) {
  EXPECT_EQ(NumberPlaceholders("UPDATE t SET a = ?, b = ? WHERE id = ?"),
            "UPDATE t SET a = $1, b = $2 WHERE id = $3");
}

TEST(PostgresPlaceholders, NumberedOnesKeepTheirNumberAndMayRepeat) {
  EXPECT_EQ(NumberPlaceholders("SELECT ?2, ?1, ?2 FROM t WHERE x < ?12"), "SELECT $2, $1, $2 FROM t WHERE x < $12");
}

TEST(PostgresPlaceholders, APlainOneFollowsTheHighestNumberSoFar) {
  // SQLite's rule: `?` is one more than the largest number already used.
  EXPECT_EQ(NumberPlaceholders("VALUES (?3, ?, ?1, ?)"), "VALUES ($3, $4, $1, $5)");
}

TEST(PostgresPlaceholders, NothingInsideLiteralsIdentifiersOrCommentsChanges) {
  EXPECT_EQ(NumberPlaceholders(R"(SELECT '?', "a?b", ? FROM t -- why?)" "\n" R"(WHERE c = ? /* ?1 */)"),
            R"(SELECT '?', "a?b", $1 FROM t -- why?)" "\n" R"(WHERE c = $2 /* ?1 */)");
}

TEST(PostgresPlaceholders, DoubledQuotesStayInsideTheirLiteral) {
  EXPECT_EQ(NumberPlaceholders("SELECT 'it''s ?', ?, \"x\"\"?\", ?"), "SELECT 'it''s ?', $1, \"x\"\"?\", $2");
}

TEST(PostgresPlaceholders, TextWithoutPlaceholdersIsUnchanged) {
  EXPECT_EQ(NumberPlaceholders("SELECT a - b / 2 FROM t WHERE s = 'x'"), "SELECT a - b / 2 FROM t WHERE s = 'x'");
  EXPECT_EQ(NumberPlaceholders(""), "");
}

TEST(PostgresPlaceholders, CountsParametersAndTheNumbersLeftOut) {
  const NumberedSql sql = NumberSql("SELECT ?1, ?3");
  EXPECT_EQ(sql.parameters, 3);
  EXPECT_EQ(sql.used, (std::vector<bool>{true, false, true}));
}

// What may run again on a new session after the old one was lost: reads only.
TEST(PostgresStatements, OnlyReadsAreReads) {
  EXPECT_TRUE(IsRead("SELECT 1"));
  EXPECT_TRUE(IsRead("  select id FROM messages WHERE id = ?"));
  EXPECT_TRUE(IsRead("WITH due AS (SELECT id FROM webhooks) SELECT * FROM due"));
  EXPECT_FALSE(IsRead("WITH gone AS (DELETE FROM webhooks RETURNING id) SELECT count(*) FROM gone"));
  EXPECT_FALSE(IsRead("INSERT INTO t VALUES (1)"));
  EXPECT_FALSE(IsRead("UPDATE t SET a = 1"));
  EXPECT_FALSE(IsRead("BEGIN"));
  EXPECT_FALSE(IsRead(""));
}

}  // namespace
}  // namespace deliverer::store::postgres
