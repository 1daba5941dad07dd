// API-key authentication's bounds (api/authenticator.h) and the per-address limit on
// failed authentications (api/rate_limiter.h AuthFailureLimiter).
#include <gtest/gtest.h>

#include <map>

#include "api/authenticator.h"
#include "api/rate_limiter.h"
#include "auth/api_key.h"

namespace deliverer::api {
namespace {

class AuthenticatorTest : public ::testing::Test {
 protected:
  // A store of keys that counts its lookups.
  Authenticator::KeyLookup Lookup() {
    return [this](const std::string& key_id) -> Result<std::optional<store::ApiKeyRecord>> {
      ++lookups_;
      auto it = keys_.find(key_id);
      if (it == keys_.end()) return std::optional<store::ApiKeyRecord>();
      return std::optional<store::ApiKeyRecord>(it->second);
    };
  }
  std::string AddKey(const std::string& account) {
    const auth::GeneratedKey key = auth::GenerateKey();
    keys_[key.key_id] = store::ApiKeyRecord{key.key_id, account, key.hash, auth::kScopeSend, 0, {}, {}};
    return key.key;
  }

  FakeClock clock_;
  std::map<std::string, store::ApiKeyRecord> keys_;
  int lookups_ = 0;
};

TEST_F(AuthenticatorTest, AKnownKeyIsCachedForTheTtl) {
  Authenticator auth(Lookup(), clock_);
  const std::string key = AddKey("acme");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(auth.Authenticate("Bearer " + key).ok());
  EXPECT_EQ(lookups_, 1);
  clock_.Advance(Authenticator::kCacheTtl);
  ASSERT_TRUE(auth.Authenticate("Bearer " + key).ok());
  EXPECT_EQ(lookups_, 2) << "looked up again after the TTL, so a revocation elsewhere is seen";
}

// Finding 5: well-formed made-up keys were cached and never evicted (RSS 25 → 175 MB in
// 40 s). An unknown key is looked up and forgotten.
TEST_F(AuthenticatorTest, MadeUpKeysAreNotCached) {
  Authenticator auth(Lookup(), clock_);
  for (int i = 0; i < 1000; ++i) {
    auto caller = auth.Authenticate("Bearer " + auth::GenerateKey().key);
    ASSERT_FALSE(caller.ok());
    EXPECT_EQ(caller.error().code, "unauthenticated");
  }
  EXPECT_EQ(auth.CachedKeys(), 0u);
  EXPECT_EQ(lookups_, 1000);
}

TEST_F(AuthenticatorTest, TheCacheHoldsAtMostItsCapacityLeastRecentlyUsedOutFirst) {
  Authenticator auth(Lookup(), clock_);
  const std::string first = AddKey("acme");
  ASSERT_TRUE(auth.Authenticate("Bearer " + first).ok());
  for (size_t i = 0; i < Authenticator::kCacheCapacity; ++i) {
    ASSERT_TRUE(auth.Authenticate("Bearer " + AddKey("acme")).ok());
  }
  EXPECT_EQ(auth.CachedKeys(), Authenticator::kCacheCapacity);
  const int before = lookups_;
  ASSERT_TRUE(auth.Authenticate("Bearer " + first).ok());
  EXPECT_EQ(lookups_, before + 1) << "the oldest key was evicted and is read again";
}

// Finding 11: "Authorization: bearer <key>" was refused; the scheme has no case (RFC 9110).
TEST_F(AuthenticatorTest, TheSchemeIsMatchedWithoutRegardToCase) {
  Authenticator auth(Lookup(), clock_);
  const std::string key = AddKey("acme");
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR "}) {
    auto caller = auth.Authenticate(scheme + key);
    ASSERT_TRUE(caller.ok()) << scheme;
    EXPECT_EQ(caller->account, "acme");
  }
  EXPECT_FALSE(auth.Authenticate("Basic " + key).ok());
  EXPECT_FALSE(auth.Authenticate("Bearer").ok());
}

TEST(AuthFailureLimiterTest, AnAddressIsHeldBackAfterItsBurstAndRegainsOneTryPerInterval) {
  FakeClock clock;
  AuthFailureLimiter limiter(/*rps=*/1, /*burst=*/3, clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(limiter.Check("198.51.100.7"), 0) << i;
    limiter.Failed("198.51.100.7");
  }
  EXPECT_GE(limiter.Check("198.51.100.7"), 1);
  EXPECT_EQ(limiter.Check("203.0.113.9"), 0) << "other addresses are not held back";
  clock.Advance(Millis(1000));
  EXPECT_EQ(limiter.Check("198.51.100.7"), 0);
  limiter.Failed("198.51.100.7");
  EXPECT_GE(limiter.Check("198.51.100.7"), 1);
}

TEST(AuthFailureLimiterTest, AddressesThatNeverFailCostNothingAndTheTableIsBounded) {
  FakeClock clock;
  AuthFailureLimiter limiter(1, 3, clock);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Check("10.0.0." + std::to_string(i)), 0);
  EXPECT_EQ(limiter.TrackedAddresses(), 0u);
  for (size_t i = 0; i < AuthFailureLimiter::kMaxAddresses + 500; ++i) limiter.Failed("a" + std::to_string(i));
  EXPECT_EQ(limiter.TrackedAddresses(), AuthFailureLimiter::kMaxAddresses);
}

TEST(AuthFailureLimiterTest, ZeroRateIsUnlimited) {
  FakeClock clock;
  AuthFailureLimiter limiter(0, 0, clock);
  for (int i = 0; i < 1000; ++i) limiter.Failed("198.51.100.7");
  EXPECT_EQ(limiter.Check("198.51.100.7"), 0);
  EXPECT_EQ(limiter.TrackedAddresses(), 0u);
}

}  // namespace
}  // namespace deliverer::api
