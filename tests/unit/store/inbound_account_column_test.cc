// Migration 8 (docs/storage-schema.md "`inbound`"): inbound messages recorded before it are
// unassigned, and listed to operators only.
#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

class InboundAccountColumnTest : public testing::StoreFixture {
 protected:
  // The database as version 7 left it, before inbound routing (and migration 9's canary
  // halts).
  void BackToVersion7() {
    store_.reset();
    Sql("DROP TABLE canary_halts;"
        "DROP TABLE inbound_parts;"
        "DROP INDEX inbound_by_account;"
        "ALTER TABLE inbound DROP COLUMN account;"
        "ALTER TABLE webhooks DROP COLUMN inbound;"
        "ALTER TABLE webhooks DROP COLUMN url;"
        "PRAGMA user_version = 7;");
  }
};

TEST_F(InboundAccountColumnTest, RowsFromBeforeAreUnassigned) {
  ASSERT_TRUE(Inbound(InboundRecord{"mo-old", "sim-a", "+447911123456", "12345", "hi", 1000, "", "acme"}).ok());
  BackToVersion7();
  Reopen();
  EXPECT_EQ(One("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
  auto all = store_->ListInbound(InboundQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].account, "");
  EXPECT_TRUE(store_->ListInbound(InboundQuery{.account = "acme"})->empty());
  EXPECT_EQ(*store_->PendingInboundParts(), 0) << "the parts table is back";
}

}  // namespace
}  // namespace deliverer::store::sqlite
