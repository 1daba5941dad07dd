// API keys (docs/reliability.md S2): random, typed, checksummed, stored only as a hash.
#include "auth/api_key.h"

#include <gtest/gtest.h>

#include <set>

namespace deliverer::auth {
namespace {

TEST(S2_ApiKeyTest, GeneratedKeysParseToTheirPublicIdAndAreAllDifferent) {
  std::set<std::string> secrets;
  for (int i = 0; i < 200; ++i) {
    const GeneratedKey key = GenerateKey();
    ASSERT_TRUE(key.key.starts_with(key.key_id + "_")) << key.key;
    EXPECT_TRUE(key.key_id.starts_with("dlv_"));
    EXPECT_EQ(ParseKey(key.key), key.key_id);
    EXPECT_EQ(HashKey(key.key), key.hash);
    EXPECT_EQ(key.hash.find(key.key.substr(key.key_id.size() + 1)), std::string::npos)
        << "the stored hash does not contain the secret";
    secrets.insert(key.key);
  }
  EXPECT_EQ(secrets.size(), 200u);
}

TEST(S2_ApiKeyTest, SecretCarriesAtLeast128BitsOfBase62) {
  const GeneratedKey key = GenerateKey();
  const std::string after_id = key.key.substr(key.key_id.size() + 1);
  // 22 base62 characters of secret (≥ 130 bits) and 6 check characters.
  EXPECT_EQ(after_id.size(), 28u) << key.key;
  for (char c : after_id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << key.key;
}

TEST(S2_ApiKeyTest, ATypoIsRefusedByTheChecksumAlone) {
  const std::string key = GenerateKey().key;
  for (size_t i = 4; i < key.size(); ++i) {
    if (key[i] == '_') continue;
    std::string typo = key;
    typo[i] = typo[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(ParseKey(typo).has_value()) << "position " << i;
  }
  EXPECT_FALSE(ParseKey(key.substr(0, key.size() - 1)).has_value());
  EXPECT_FALSE(ParseKey(key + "x").has_value());
  EXPECT_FALSE(ParseKey("").has_value());
  EXPECT_FALSE(ParseKey("Bearer " + key).has_value());
}

TEST(S2_ApiKeyTest, ScopesParseAndFormatBothWays) {
  EXPECT_EQ(ParseScopes("messages:send,messages:read"), kScopeSend | kScopeRead);
  EXPECT_EQ(ParseScopes("admin"), kScopeAdmin);
  EXPECT_FALSE(ParseScopes("").has_value());
  EXPECT_FALSE(ParseScopes("messages:send,root").has_value());
  const uint32_t all = kScopeSend | kScopeRead | kScopeSuppressionsWrite | kScopeAdmin;
  EXPECT_EQ(ParseScopes(FormatScopes(all)), all);
}

TEST(ConstantTimeEqualTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEqual("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEqual("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEqual("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEqual("", "x"));
}

}  // namespace
}  // namespace deliverer::auth
