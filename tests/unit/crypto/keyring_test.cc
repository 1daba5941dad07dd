// The key ring and its file (docs/reliability.md S9): text form, rotation and retirement,
// atomic saves and the permission check.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crypto/keyring.h"
#include "support/test_dir.h"

namespace deliverer::crypto {
namespace {

class KeyRingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("keyring");
    path_ = (dir_ / "keyring").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  mode_t Mode() const {
    struct stat st {};
    ::stat(path_.c_str(), &st);
    return st.st_mode & 07777;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST(KeyRingTest, S9_FormatParsesBackToTheSameRing) {
  KeyRing ring = NewKeyRing(1000);
  AddDataKey(ring, 2000);
  auto parsed = ParseKeyRing(FormatKeyRing(ring));
  ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
  EXPECT_EQ(parsed->primary, 2u);
  ASSERT_EQ(parsed->data_keys.size(), 2u);
  EXPECT_EQ(parsed->data_keys[0].secret, ring.data_keys[0].secret);
  EXPECT_EQ(parsed->data_keys[1].created_at_ms, 2000);
  EXPECT_EQ(parsed->index_key, ring.index_key);
}

TEST(KeyRingTest, S9_RotationAddsANewerPrimaryAndRetireSparesThePrimary) {
  KeyRing ring = NewKeyRing(1000);
  EXPECT_EQ(ring.primary, 1u);
  EXPECT_EQ(AddDataKey(ring, 2000), 2u);
  EXPECT_EQ(AddDataKey(ring, 3000), 3u);
  EXPECT_EQ(RemoveDataKey(ring, 3).error().code, "key_in_use");
  EXPECT_TRUE(RemoveDataKey(ring, 1).ok());
  EXPECT_EQ(RemoveDataKey(ring, 1).error().code, "not_found");
  EXPECT_TRUE(RemoveDataKey(ring, 2).ok());
  EXPECT_EQ(AddDataKey(ring, 4000), 4u);  // ids never come back
  EXPECT_NE(ring.data_keys.front().secret, ring.data_keys.back().secret);
}

TEST(KeyRingTest, S9_MalformedRingsAreRefusedWithTheLine) {
  const std::string good = FormatKeyRing(NewKeyRing(1000));
  EXPECT_EQ(ParseKeyRing("").error().code, "invalid_keyring");
  EXPECT_FALSE(ParseKeyRing("deliverer-keyring v2\n").ok());
  auto no_index =
      ParseKeyRing("deliverer-keyring v1\ndata 1 0 " + std::string(43, 'A') + "= primary\n");
  ASSERT_FALSE(no_index.ok());
  EXPECT_NE(no_index.error().detail.find("index"), std::string::npos);
  auto bad_key = ParseKeyRing(good + "data 7 0 c2hvcnQ=\n");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.error().detail.find("line 6"), std::string::npos) << bad_key.error().detail;
  EXPECT_FALSE(ParseKeyRing(good + "data 1 0 " + std::string(43, 'A') + "=\n").ok());  // twice
  EXPECT_FALSE(ParseKeyRing(good + "frobnicate\n").ok());
  std::string no_primary = good;
  no_primary.erase(no_primary.find(" primary"), 8);
  EXPECT_FALSE(ParseKeyRing(no_primary).ok());
}

TEST_F(KeyRingFileTest, S9_SavedRingLoadsBackWithMode0600) {
  KeyRing ring = NewKeyRing(1000);
  ASSERT_TRUE(SaveKeyRing(path_, ring).ok());
  EXPECT_EQ(Mode(), 0600u);
  auto loaded = LoadKeyRing(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().detail;
  EXPECT_EQ(loaded->data_keys[0].secret, ring.data_keys[0].secret);

  AddDataKey(ring, 2000);  // replaced atomically: no temporary file is left behind
  ASSERT_TRUE(SaveKeyRing(path_, ring).ok());
  EXPECT_EQ(LoadKeyRing(path_)->primary, 2u);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) files += entry.exists();
  EXPECT_EQ(files, 1);
}

TEST_F(KeyRingFileTest, S9_GroupOrWorldReadableRingIsRefused) {
  ASSERT_TRUE(SaveKeyRing(path_, NewKeyRing(1000)).ok());
  for (mode_t mode : {0640, 0604, 0660, 0610}) {
    ::chmod(path_.c_str(), mode);
    auto loaded = LoadKeyRing(path_);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, "insecure_keyring");
    EXPECT_NE(loaded.error().detail.find("chmod 600"), std::string::npos);
  }
  ::chmod(path_.c_str(), 0400);
  EXPECT_TRUE(LoadKeyRing(path_).ok());
}

TEST_F(KeyRingFileTest, S9_MissingRingIsCreatedOnlyWhenAllowed) {
  auto refused = LoadOrCreateKeyRing(path_, /*may_create=*/false, 1000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "not_found");
  EXPECT_FALSE(std::filesystem::exists(path_));

  auto created = LoadOrCreateKeyRing(path_, /*may_create=*/true, 1000);
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(Mode(), 0600u);
  auto again = LoadOrCreateKeyRing(path_, /*may_create=*/true, 2000);  // never replaced
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->data_keys[0].secret, created->data_keys[0].secret);
}

TEST_F(KeyRingFileTest, S9_CorruptRingFileNamesThePath) {
  { std::ofstream(path_) << "deliverer-keyring v1\nindex nope\n"; }
  ::chmod(path_.c_str(), 0600);
  auto loaded = LoadKeyRing(path_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, "invalid_keyring");
  EXPECT_NE(loaded.error().detail.find(path_), std::string::npos);
}

}  // namespace
}  // namespace deliverer::crypto
