// The SQLite store's values at rest (docs/reliability.md S9): bodies and accounts' webhook
// secrets sealed on disk, read back in clear, legacy rows read and re-encrypted, rotation,
// and a key ring that does not fit.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>

#include "common/clock.h"
#include "crypto/keyring.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

constexpr const char* kBody = "Your code is 482913";

class DataKeysTest : public testing::StoreFixture {
 protected:
  std::string RingPath() const { return (dir_ / "keyring").string(); }

  Result<InsertResult> Insert(const std::string& id, const std::string& body = kBody,
                              const std::string& hash = "raw-hash") {
    NewMessage m = Message(id, "+447911123456", body);
    m.payload_hash = hash;
    return StoreFixture::Insert(std::move(m));
  }

  void InsertInbound(const std::string& id, const std::string& body) {
    ASSERT_TRUE(Inbound(InboundRecord{id, "sim-a", "+447911123456", "12345", body, 1000, ""}).ok());
  }

  std::string BodyOf(const std::string& id) {
    auto d = store_->GetForDelivery(id);
    if (!d.ok()) return "error: " + d.error().code;
    return (*d)->body;
  }

  void Rotate() {
    auto ring = crypto::LoadKeyRing(RingPath());
    ASSERT_TRUE(ring.ok()) << ring.error().detail;
    crypto::AddDataKey(*ring, clock_.NowUnixMillis());
    ASSERT_TRUE(crypto::SaveKeyRing(RingPath(), *ring).ok());
    ASSERT_TRUE(store_->ReloadDataKeys().ok());
  }

  int ReencryptAll() {
    int total = 0;
    for (;;) {
      auto n = store_->ReencryptBatch(3);
      EXPECT_TRUE(n.ok());
      if (!n.ok() || *n == 0) return total;
      total += *n;
    }
  }

  bool Suppressed(const std::string& account, const std::string& number) {
    auto r = store_->IsSuppressed(account, number);
    EXPECT_TRUE(r.ok());
    return r.ok() && *r;
  }

  static std::string Id(int i) { return "a" + std::to_string(i); }

  // Accounts exist once they have a key.
  void CreateAccount(const std::string& account) {
    ApiKeyRecord key{"dk_" + account, account, "hash", 1, clock_.NowUnixMillis(), {}, {}};
    ASSERT_TRUE(store_->CreateApiKey(key, AuditEntry{}).ok());
  }
  deliverer::Status SetSecret(const std::string& account, const std::string& secret) {
    return store_->SetAccountWebhookSecret(
        account, secret, clock_.NowUnixMillis(),
        AuditEntry{0, clock_.NowUnixMillis(), "cli", account, "local", "account.webhook_secret.set",
                   account, account});
  }
  std::optional<std::string> SecretOf(const std::string& account) {
    auto secret = store_->AccountWebhookSecret(account);
    EXPECT_TRUE(secret.ok()) << secret.error().detail;
    return secret.ok() ? *secret : std::nullopt;
  }
  // The database file and its write-ahead log, as bytes.
  std::string DatabaseBytes() const {
    std::string bytes;
    for (const char* name : {"deliverer.db", "deliverer.db-wal"}) {
      std::ifstream in(dir_ / name, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

};

TEST_F(DataKeysTest, S9_BodiesAreSealedOnDiskAndReadBackInClear) {
  ASSERT_TRUE(Insert("m1").ok());
  InsertInbound("in1", "STOP please, 482913");
  const std::string stored = One("SELECT body FROM messages WHERE id = 'm1'");
  EXPECT_EQ(stored.find("482913"), std::string::npos);
  EXPECT_EQ(static_cast<unsigned char>(stored[0]), 0xF5);
  EXPECT_EQ(One("SELECT body FROM inbound").find("482913"), std::string::npos);
  EXPECT_EQ(One("SELECT typeof(payload_hash) || length(payload_hash) FROM messages"), "blob8");
  EXPECT_EQ(BodyOf("m1"), kBody);
  auto inbound = store_->ListInbound(InboundQuery{});
  ASSERT_TRUE(inbound.ok());
  EXPECT_EQ(inbound->at(0).body, "STOP please, 482913");
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{1, 2}}));
  EXPECT_EQ(std::filesystem::status(RingPath()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(DataKeysTest, S9_BodyCopiedIntoAnotherRowDoesNotOpen) {
  ASSERT_TRUE(Insert("m1", "first").ok());
  ASSERT_TRUE(Insert("m2", "second").ok());
  Sql("UPDATE messages SET body = (SELECT body FROM messages WHERE id = 'm1') WHERE id = 'm2'");
  EXPECT_EQ(BodyOf("m1"), "first");
  EXPECT_EQ(BodyOf("m2"), "error: storage_error");
}

TEST_F(DataKeysTest, S2_IdempotentReplayStillMatchesTheKeyedHash) {
  ASSERT_TRUE(Insert("m1", kBody, "hash-a").ok());
  auto replay = Insert("m1", kBody, "hash-a");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->outcome, InsertOutcome::kReplayed);
  EXPECT_EQ(Insert("m1", kBody, "hash-b")->outcome, InsertOutcome::kConflict);
}

TEST_F(DataKeysTest, S9_RowsFromBeforeEncryptionAreReadThenSealed) {
  ASSERT_TRUE(Insert("old").ok());
  InsertInbound("in-old", "hello there");
  Sql("UPDATE messages SET body = CAST('plain old body' AS BLOB), body_key = 0,"
      " payload_hash = 'legacy-hash'");
  Sql("UPDATE inbound SET body = CAST('plain inbound' AS BLOB), body_key = 0");
  Reopen();
  EXPECT_EQ(BodyOf("old"), "plain old body");
  EXPECT_EQ(Insert("old", "x", "legacy-hash")->outcome, InsertOutcome::kReplayed);
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{0, 2}}));

  EXPECT_EQ(ReencryptAll(), 2);
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{1, 2}}));
  EXPECT_EQ(One("SELECT body FROM messages").find("plain"), std::string::npos);
  EXPECT_EQ(One("SELECT typeof(payload_hash) || length(payload_hash) FROM messages"), "blob8");
  EXPECT_EQ(BodyOf("old"), "plain old body");
  EXPECT_EQ(store_->ListInbound(InboundQuery{})->at(0).body, "plain inbound");
  EXPECT_EQ(Insert("old", "x", "legacy-hash")->outcome, InsertOutcome::kReplayed);
}

TEST_F(DataKeysTest, S9_RotationKeepsOldRowsReadableAndReencryptionMovesThem) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Insert(Id(i), "body " + std::to_string(i)).ok());
  InsertInbound("in1", "inbound one");
  Rotate();
  EXPECT_EQ(store_->PrimaryDataKey(), 2u);
  ASSERT_TRUE(Insert("b0", "after rotation").ok());
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{1, 8}, {2, 1}}));
  for (int i = 0; i < 7; ++i) EXPECT_EQ(BodyOf(Id(i)), "body " + std::to_string(i));

  EXPECT_EQ(ReencryptAll(), 8);
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{2, 9}}));
  for (int i = 0; i < 7; ++i) EXPECT_EQ(BodyOf(Id(i)), "body " + std::to_string(i));
  EXPECT_EQ(store_->ListInbound(InboundQuery{})->at(0).body, "inbound one");
  EXPECT_EQ(*store_->ReencryptBatch(100), 0);
}

TEST_F(DataKeysTest, S9_ABodyThatDoesNotOpenIsPassedNotRetriedForever) {
  ASSERT_TRUE(Insert("good1").ok());
  ASSERT_TRUE(Insert("bad").ok());
  ASSERT_TRUE(Insert("good2").ok());
  Sql("UPDATE messages SET body = (SELECT body FROM messages WHERE id = 'good1') WHERE id = 'bad'");
  Rotate();
  EXPECT_EQ(ReencryptAll(), 2);
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{1, 1}, {2, 2}}));
}

TEST_F(DataKeysTest, S9_ReloadIgnoresAnUnchangedFileAndRefusesABadOne) {
  EXPECT_TRUE(store_->ReloadDataKeys().ok());
  ::chmod(RingPath().c_str(), 0644);
  { std::ofstream(RingPath(), std::ios::app) << "# touched\n"; }
  auto s = store_->ReloadDataKeys();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "insecure_keyring");
  ASSERT_TRUE(Insert("m1").ok());  // the ring in memory still works
  EXPECT_EQ(BodyOf("m1"), kBody);
}

TEST_F(DataKeysTest, S9_LostOrForeignKeyRingIsRefusedAtOpen) {
  ASSERT_TRUE(Insert("m1").ok());
  store_.reset();
  std::filesystem::remove(RingPath());
  auto missing = SqliteStore::Open(SqliteOptions{dir_.string()}, clock_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "keyring_missing");
  EXPECT_FALSE(std::filesystem::exists(RingPath())) << "never replaced by a new ring";

  ASSERT_TRUE(crypto::SaveKeyRing(RingPath(), crypto::NewKeyRing(1)).ok());
  auto foreign = SqliteStore::Open(SqliteOptions{dir_.string()}, clock_);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, "keyring_mismatch");
}

TEST_F(DataKeysTest, S10_OptOutHoldsByKeyedHashOnceTheNumberIsErased) {
  Suppress("acme", "+447911123456");
  Suppress("", "+447911000001");
  const std::string hash = One("SELECT number_hash FROM suppressions WHERE account = 'acme'");
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find("447911123456"), std::string::npos);
  Sql("UPDATE suppressions SET number = 'erased-' || rowid");  // what erasure leaves
  EXPECT_TRUE(Suppressed("acme", "+447911123456"));
  EXPECT_TRUE(Suppressed("other", "+447911000001"));
  EXPECT_FALSE(Suppressed("other", "+447911123456"));
  EXPECT_FALSE(Suppressed("acme", "+447911123457"));
  std::promise<deliverer::Status> done;  // START still lifts it
  store_->DeleteSuppression("acme", "+447911123456", AuditEntry{},
                            [&](deliverer::Status r) { done.set_value(r); });
  EXPECT_TRUE(done.get_future().get().ok());
  EXPECT_FALSE(Suppressed("acme", "+447911123456"));
}

TEST_F(DataKeysTest, S10_SuppressionsFromBeforeHashesAreHashedAtOpen) {
  Suppress("acme", "+447911123456");
  Sql("UPDATE suppressions SET number_hash = NULL");
  Reopen();
  EXPECT_TRUE(Suppressed("acme", "+447911123456"));
  EXPECT_EQ(One("SELECT count(*) FROM suppressions WHERE number_hash IS NULL"), "0");
}

TEST_F(DataKeysTest, S9_ConfiguredKeyRingPathIsUsed) {
  store_.reset();
  const std::string other = (dir_ / "elsewhere.ring").string();
  auto store = SqliteStore::Open(SqliteOptions{dir_.string(), 1000, other}, clock_);
  ASSERT_TRUE(store.ok()) << store.error().detail;
  EXPECT_TRUE(std::filesystem::exists(other));
}

constexpr const char* kAcmeSecret = "acme-own-webhook-secret-5f2c9d";

TEST_F(DataKeysTest, S9_AccountWebhookSecretIsSealedReadBackAndCleared) {
  CreateAccount("acme");
  CreateAccount("globex");
  EXPECT_EQ(SecretOf("acme"), std::nullopt);
  ASSERT_TRUE(SetSecret("acme", kAcmeSecret).ok());
  EXPECT_EQ(SecretOf("acme"), kAcmeSecret);
  EXPECT_EQ(SecretOf("globex"), std::nullopt);

  const std::string stored =
      One("SELECT secret FROM account_webhook_secrets WHERE account = 'acme'");
  EXPECT_EQ(static_cast<unsigned char>(stored[0]), 0xF5);
  EXPECT_EQ(DatabaseBytes().find(kAcmeSecret), std::string::npos) << "sealed, not in clear";
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{1, 1}}));

  clock_.Advance(std::chrono::seconds(60));
  ASSERT_TRUE(SetSecret("acme", "acme-second-webhook-secret").ok());
  EXPECT_EQ(SecretOf("acme"), "acme-second-webhook-secret");
  auto accounts = store_->ListAccounts();
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 2u);
  EXPECT_EQ(accounts->at(0).id, "acme");
  EXPECT_EQ(accounts->at(0).webhook_secret_updated_at_ms, clock_.NowUnixMillis());
  EXPECT_EQ(accounts->at(1).id, "globex");
  EXPECT_EQ(accounts->at(1).webhook_secret_updated_at_ms, std::nullopt);

  AuditEntry clear{0, 0, "cli", "acme", "local", "account.webhook_secret.clear", "acme", "acme"};
  ASSERT_TRUE(store_->ClearAccountWebhookSecret("acme", clear).ok());
  EXPECT_EQ(SecretOf("acme"), std::nullopt);
  EXPECT_EQ(store_->ClearAccountWebhookSecret("acme", clear).error().code, "not_found");
  auto audit = store_->ListAudit(AuditQuery{.action = "", .account = "acme"});
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> actions;
  for (const AuditEntry& e : *audit) {
    if (e.action.starts_with("account.")) actions.push_back(e.action);
    EXPECT_EQ((e.target + e.correlation_id).find("secret-"), std::string::npos)
        << "never the secret";
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"account.webhook_secret.set", "account.webhook_secret.set",
                                      "account.webhook_secret.clear"}));
}

TEST_F(DataKeysTest, AccountWebhookSecretNeedsAnExistingAccount) {
  auto s = SetSecret("nobody", kAcmeSecret);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "not_found");
  EXPECT_EQ(SecretOf("nobody"), std::nullopt);
}

TEST_F(DataKeysTest, S9_ReencryptionMovesAccountWebhookSecretsAndRetirementWaitsForThem) {
  CreateAccount("acme");
  ASSERT_TRUE(SetSecret("acme", kAcmeSecret).ok());
  Rotate();
  EXPECT_EQ(SecretOf("acme"), kAcmeSecret) << "the old key still opens it";
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{1, 1}}))
      << "keys retire-data-key 1 is refused while this holds";
  EXPECT_EQ(ReencryptAll(), 1);
  EXPECT_EQ((*store_->CountRowsByDataKey()), (std::map<uint32_t, int64_t>{{2, 1}}));
  EXPECT_EQ(crypto::SealedKeyId(One("SELECT secret FROM account_webhook_secrets")), 2u);
  EXPECT_EQ(SecretOf("acme"), kAcmeSecret);
  EXPECT_EQ(*store_->ReencryptBatch(100), 0);
}

TEST_F(DataKeysTest, S9_AccountWebhookSecretCopiedToAnotherAccountDoesNotOpen) {
  CreateAccount("acme");
  CreateAccount("globex");
  ASSERT_TRUE(SetSecret("acme", kAcmeSecret).ok());
  ASSERT_TRUE(SetSecret("globex", "globex-own-webhook-secret").ok());
  Sql("UPDATE account_webhook_secrets SET secret = (SELECT secret FROM account_webhook_secrets"
      " WHERE account = 'acme') WHERE account = 'globex'");
  auto copied = store_->AccountWebhookSecret("globex");
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.error().detail.find(kAcmeSecret), std::string::npos);
}

TEST_F(DataKeysTest, S9_LostKeyRingIsRefusedWhenOnlyAWebhookSecretIsSealed) {
  CreateAccount("acme");
  ASSERT_TRUE(SetSecret("acme", kAcmeSecret).ok());
  store_.reset();
  std::filesystem::remove(RingPath());
  auto missing = SqliteStore::Open(SqliteOptions{dir_.string()}, clock_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "keyring_missing");

  ASSERT_TRUE(crypto::SaveKeyRing(RingPath(), crypto::NewKeyRing(1)).ok());
  auto foreign = SqliteStore::Open(SqliteOptions{dir_.string()}, clock_);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, "keyring_mismatch");
}

}  // namespace
}  // namespace deliverer::store::sqlite
