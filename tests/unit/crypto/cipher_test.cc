// Sealing bodies at rest (docs/reliability.md S9): round trips, and every way a sealed value
// must refuse to open.
#include <gtest/gtest.h>

#include "crypto/cipher.h"

namespace deliverer::crypto {
namespace {

constexpr std::string_view kRow = "messages.body/0192-a";
constexpr std::string_view kBody = "Your code is 123456";

TEST(CipherTest, S9_SealedBodyOpensToTheSameText) {
  Cipher cipher(NewKeyRing(1000));
  const std::string sealed = cipher.Seal(kBody, kRow);
  EXPECT_EQ(sealed.find(kBody), std::string::npos);
  EXPECT_EQ(static_cast<unsigned char>(sealed[0]), kSealedV1);
  EXPECT_EQ(SealedKeyId(sealed), 1u);
  auto opened = cipher.Open(sealed, kRow);
  ASSERT_TRUE(opened.ok()) << opened.error().detail;
  EXPECT_EQ(*opened, kBody);
}

TEST(CipherTest, S9_EmptyAndBinaryValuesRoundTrip) {
  Cipher cipher(NewKeyRing(1000));
  const std::string binary("\0\xF5\xFF text", 8);
  for (const std::string& value : {std::string(), binary, std::string(5000, 'x')}) {
    auto opened = cipher.Open(cipher.Seal(value, kRow), kRow);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, value);
  }
}

TEST(CipherTest, S9_EachSealUsesAFreshNonce) {
  Cipher cipher(NewKeyRing(1000));
  EXPECT_NE(cipher.Seal(kBody, kRow), cipher.Seal(kBody, kRow));
}

TEST(CipherTest, S9_ValueMovedToAnotherRowFailsToOpen) {
  Cipher cipher(NewKeyRing(1000));
  const std::string sealed = cipher.Seal(kBody, kRow);
  auto opened = cipher.Open(sealed, "messages.body/0192-b");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, "decrypt_failed");
  EXPECT_FALSE(cipher.Open(sealed, "inbound.body/0192-a").ok());
}

TEST(CipherTest, S9_EveryTamperedByteFailsToOpen) {
  Cipher cipher(NewKeyRing(1000));
  const std::string sealed = cipher.Seal(kBody, kRow);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_FALSE(cipher.Open(tampered, kRow).ok()) << "byte " << i;
  }
  EXPECT_FALSE(cipher.Open(sealed.substr(0, sealed.size() - 1), kRow).ok());
  EXPECT_FALSE(cipher.Open(sealed.substr(0, 20), kRow).ok());
}

TEST(CipherTest, S9_UnknownKeyIdAndWrongKeyFail) {
  Cipher a(NewKeyRing(1000));
  Cipher b(NewKeyRing(1000));  // another ring: the same id 1, another secret
  const std::string sealed = a.Seal(kBody, kRow);
  auto wrong = b.Open(sealed, kRow);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, "decrypt_failed");

  KeyRing ring = NewKeyRing(1000);
  AddDataKey(ring, 2000);
  Cipher newer(ring);
  const std::string under_two = newer.Seal(kBody, kRow);
  auto unknown = a.Open(under_two, kRow);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown_data_key");
}

TEST(CipherTest, S9_PlainValuesAreNeverTakenForSealedOnes) {
  Cipher cipher(NewKeyRing(1000));
  EXPECT_EQ(SealedKeyId(kBody), 0u);
  EXPECT_EQ(cipher.Open(kBody, kRow).error().code, "decrypt_failed");
  EXPECT_FALSE(cipher.Open("", kRow).ok());
  EXPECT_FALSE(cipher.Open(std::string("\xF5\0\0\0\0", 5), kRow).ok());
}

TEST(CipherTest, S9_RotationKeepsOldValuesReadable) {
  KeyRing ring = NewKeyRing(1000);
  Cipher cipher(ring);
  const std::string old_value = cipher.Seal(kBody, kRow);
  EXPECT_EQ(AddDataKey(ring, 2000), 2u);
  cipher.Update(ring);
  EXPECT_EQ(cipher.PrimaryKeyId(), 2u);
  const std::string new_value = cipher.Seal(kBody, kRow);
  EXPECT_EQ(SealedKeyId(new_value), 2u);
  EXPECT_EQ(*cipher.Open(old_value, kRow), kBody);
  EXPECT_EQ(*cipher.Open(new_value, kRow), kBody);
}

TEST(CipherTest, S9_UpdateKeepsKeysARunningProcessAlreadyKnew) {
  KeyRing ring = NewKeyRing(1000);
  Cipher cipher(ring);
  const std::string old_value = cipher.Seal(kBody, kRow);
  AddDataKey(ring, 2000);
  ASSERT_TRUE(RemoveDataKey(ring, 1).ok());
  cipher.Update(ring);
  EXPECT_EQ(*cipher.Open(old_value, kRow), kBody);
}

TEST(CipherTest, S10_KeyedHashIsStablePerKeyAndDiffersAcrossRings) {
  KeyRing ring = NewKeyRing(1000);
  Cipher cipher(ring);
  const std::string h = cipher.KeyedHash("+442071838750");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, cipher.KeyedHash("+442071838750"));
  EXPECT_NE(h, cipher.KeyedHash("+442071838751"));
  AddDataKey(ring, 2000);  // data key rotation leaves the index key alone
  cipher.Update(ring);
  EXPECT_EQ(h, cipher.KeyedHash("+442071838750"));
  EXPECT_EQ(h, Cipher(*ParseKeyRing(FormatKeyRing(ring))).KeyedHash("+442071838750"));
  EXPECT_NE(h, Cipher(NewKeyRing(1000)).KeyedHash("+442071838750"));
}

}  // namespace
}  // namespace deliverer::crypto
