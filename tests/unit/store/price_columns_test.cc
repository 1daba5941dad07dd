// Migration 7 (docs/storage-schema.md "`messages`"): the price columns, added to a database
// written before them.
#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

class PriceColumnsTest : public testing::StoreFixture {
 protected:
  // The database as version 6 left it, before the migration that added the price columns
  // (and those after it: migration 8's inbound routing, migration 9's canary halts).
  void BackToVersion6() {
    store_.reset();
    Sql("DROP TABLE canary_halts;"
        "DROP TABLE inbound_parts;"
        "DROP INDEX inbound_by_account;"
        "ALTER TABLE inbound DROP COLUMN account;"
        "ALTER TABLE webhooks DROP COLUMN inbound;"
        "ALTER TABLE webhooks DROP COLUMN url;"
        "ALTER TABLE messages DROP COLUMN estimate_micros;"
        "ALTER TABLE messages DROP COLUMN estimate_currency;"
        "ALTER TABLE messages DROP COLUMN cost_micros;"
        "ALTER TABLE messages DROP COLUMN cost_currency;"
        "PRAGMA user_version = 6;");
  }

  MessageRecord Read(const std::string& id) {
    auto m = store_->GetMessage(id, /*with_events=*/false);
    EXPECT_TRUE(m.ok() && m->has_value()) << id;
    return (m.ok() && m->has_value()) ? **m : MessageRecord{};
  }
};

TEST_F(PriceColumnsTest, RowsFromBeforeHaveNeitherEstimateNorCost) {
  ASSERT_TRUE(Insert(Message("old", "+447911123456", "hello")).ok());
  MarkSent("old");
  BackToVersion6();
  Reopen();
  EXPECT_EQ(One("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
  const MessageRecord old = Read("old");
  EXPECT_EQ(old.status, model::Status::kSent);
  EXPECT_FALSE(old.estimate.has_value());
  EXPECT_FALSE(old.cost.has_value());

  NewMessage fresh = Message("new", "+447911123456", "hello");
  fresh.estimate = model::Price{3'500, "EUR"};
  ASSERT_TRUE(Insert(fresh).ok());
  EXPECT_EQ(Read("new").estimate, (model::Price{3'500, "EUR"}));
}

TEST_F(PriceColumnsTest, PricesAreStoredAsMicrosAndCurrency) {
  NewMessage m = Message("m1", "+447911123456", "hello");
  m.estimate = model::Price{10'000, "USD"};
  ASSERT_TRUE(Insert(m).ok());
  EXPECT_EQ(One("SELECT estimate_micros || ' ' || estimate_currency FROM messages WHERE id = 'm1'"),
            "10000 USD");
  EXPECT_EQ(One("SELECT cost_micros IS NULL FROM messages WHERE id = 'm1'"), "1");
}

}  // namespace
}  // namespace deliverer::store::sqlite
