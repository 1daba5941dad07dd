#include "queue/claims.h"

#include <gtest/gtest.h>

namespace deliverer::queue {
namespace {

TEST(ClaimsTest, ACancelFindsADeliveryUnderWayAndWaitsForNothing) {
  Claims claims;
  ASSERT_TRUE(claims.ClaimForDelivery("m1"));
  EXPECT_FALSE(claims.ClaimForCancel("m1")) << "its submit may be on the wire";
  EXPECT_TRUE(claims.ClaimForCancel("m2")) << "other messages are not held";
  claims.ReleaseDelivery("m1");
  EXPECT_TRUE(claims.ClaimForCancel("m1"));
}

TEST(ClaimsTest, ADeliveryIsHeldBackWhileACancelDecides) {
  Claims claims;
  ASSERT_TRUE(claims.ClaimForCancel("m1"));
  EXPECT_FALSE(claims.ClaimForDelivery("m1"));
  claims.ReleaseCancel("m1");
  EXPECT_TRUE(claims.ClaimForDelivery("m1"));
}

TEST(ClaimsTest, ConcurrentCancelsEachHoldTheMessageUntilTheLastIsDone) {
  Claims claims;
  ASSERT_TRUE(claims.ClaimForCancel("m1"));
  ASSERT_TRUE(claims.ClaimForCancel("m1"));
  claims.ReleaseCancel("m1");
  EXPECT_FALSE(claims.ClaimForDelivery("m1"));
  claims.ReleaseCancel("m1");
  EXPECT_TRUE(claims.ClaimForDelivery("m1"));
}

TEST(ClaimsTest, ReleasingWhatIsNotHeldChangesNothing) {
  Claims claims;
  claims.ReleaseDelivery("m1");  // a delivery held back by a cancel is requeued this way
  claims.ReleaseCancel("m1");
  ASSERT_TRUE(claims.ClaimForCancel("m1"));
  claims.ReleaseDelivery("m1");
  EXPECT_FALSE(claims.ClaimForDelivery("m1")) << "the cancel still holds it";
}

}  // namespace
}  // namespace deliverer::queue
