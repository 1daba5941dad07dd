// Migration 11 (docs/storage-schema.md "`accounts`, `api_keys`"): SMPP credentials are api_keys rows
// with a system_id, found by it; keys from before have none and stay API keys.
#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

class SmppCredentialsTest : public testing::StoreFixture {
 protected:
  void Create(const std::string& key_id, const std::string& system_id, int64_t at_ms) {
    ApiKeyRecord key{key_id, "acme", "hash-" + key_id, 1, at_ms, std::nullopt, std::nullopt, system_id};
    ASSERT_TRUE(store_->CreateApiKey(key, AuditEntry{0, at_ms, "", "acme", "local", "key.create", key_id, ""}).ok());
  }
};

TEST_F(SmppCredentialsTest, ACredentialIsFoundByItsSystemIdAndKeepsItThroughARotation) {
  Create("dlv_api", "", 1000);
  Create("dlv_smpp1", "esme1", 2000);
  auto found = store_->FindSmppCredentials("esme1");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].key_id, "dlv_smpp1");
  EXPECT_EQ((*found)[0].smpp_system_id, "esme1");
  EXPECT_TRUE(store_->FindSmppCredentials("")->empty()) << "API keys are no SMPP credentials";
  EXPECT_TRUE(*store_->HasSmppCredential("acme", 2500));
  EXPECT_FALSE(*store_->HasSmppCredential("globex", 2500));

  ApiKeyRecord replacement{"dlv_smpp2", "acme", "hash-2", 1, 3000, std::nullopt, std::nullopt, "esme1"};
  ASSERT_TRUE(store_->RotateApiKey("dlv_smpp1", 4000, replacement, AuditEntry{}).ok());
  found = store_->FindSmppCredentials("esme1");
  ASSERT_EQ(found->size(), 2u) << "both work during the grace";
  EXPECT_EQ((*found)[0].expires_at_ms, 4000);
  EXPECT_EQ((*found)[1].key_id, "dlv_smpp2");
  auto listed = store_->ListApiKeys();
  ASSERT_EQ(listed->size(), 3u);
  ASSERT_TRUE(store_->RevokeApiKey("dlv_smpp2", 5000, AuditEntry{}).ok());
  EXPECT_FALSE(*store_->HasSmppCredential("acme", 5000)) << "one expired, the other revoked";
  EXPECT_EQ((*listed)[0].smpp_system_id, "");
}

TEST_F(SmppCredentialsTest, KeysFromBeforeTheMigrationAreApiKeys) {
  Create("dlv_old", "", 1000);
  BackToVersion(10);
  Reopen();
  EXPECT_EQ(One("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
  auto listed = store_->ListApiKeys();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].smpp_system_id, "");
  Create("dlv_new", "esme1", 2000);
  EXPECT_EQ(store_->FindSmppCredentials("esme1")->size(), 1u);
}

}  // namespace
}  // namespace deliverer::store::sqlite
