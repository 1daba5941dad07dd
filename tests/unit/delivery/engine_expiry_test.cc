// Time limits: the receipt wait of a sent message, and the TTL of one not yet sent.
#include <gtest/gtest.h>

#include <string>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;
using std::chrono::seconds;

TEST_F(EngineTest, SentMessageWithoutReceiptExpiresAfterTheReceiptWait) {
  EngineSetup setup;
  setup.options.receipt_wait_s = 60;
  Insert("m");
  clock_.Advance(seconds(30));  // the wait counts from the send, not from the acceptance
  ASSERT_NO_FATAL_FAILURE(Start(setup));
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  const int64_t sent_at = *Record("m").sent_at_ms;
  EXPECT_EQ(sent_at, clock_.NowUnixMillis());

  clock_.Set(sent_at + 59'999);
  ASSERT_NO_FATAL_FAILURE(SweepOnce());
  EXPECT_EQ(StatusOf("m"), Status::kSent) << "closed before its receipt wait ended";

  clock_.Set(sent_at + 60'000);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kExpired; }));
  store::MessageRecord record = Record("m");
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "no_receipt");
  EXPECT_EQ(EventsOf("m"), (std::vector<Status>{Status::kQueued, Status::kSent, Status::kExpired}));

  // A receipt after that is acknowledged but changes nothing.
  EXPECT_TRUE(
      Receipt("A", carrier("A").CarrierIdsOf("m").at(0), Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(StatusOf("m"), Status::kExpired);
  EXPECT_EQ(carrier("A").submits().size(), 1u);
}

// The TTL sweep leaves alone a message whose submit is at the carrier now (the engine's
// `submitting_`): it went out before its TTL, so the carrier's answer decides. (The
// receipt-wait part of the sweep needs no such rule: such a message is not `sent` yet.)
TEST_F(EngineTest, TtlSweepSkipsTheMessageAtTheCarrierAndItsAnswerDecides) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("m", MessageSpec{.ttl_seconds = 60});
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));

  clock_.Advance(seconds(61));
  ASSERT_NO_FATAL_FAILURE(SweepOnce());
  EXPECT_EQ(StatusOf("m"), Status::kQueued) << "expired while its submit was at the carrier";

  a.ReleaseOldest(Kind::kAccepted);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(Record("m").attempts, 1);
  EXPECT_TRUE(Receipt("A", a.CarrierIdsOf("m").at(0), Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(StatusOf("m"), Status::kDelivered);
  EXPECT_EQ(EventsOf("m"),
            (std::vector<Status>{Status::kQueued, Status::kSent, Status::kDelivered}));
}

TEST_F(EngineTest, TransientAnswerAfterTheTtlPassedEndsExpired) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("m", MessageSpec{.ttl_seconds = 60});
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));

  clock_.Advance(seconds(61));
  a.ReleaseOldest(Kind::kTransient);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kExpired; }));
  store::MessageRecord record = Record("m");
  EXPECT_EQ(record.attempts, 1) << "the engine's decision, counting the attempt";
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "ttl_expired");
  EXPECT_EQ(record.error->carrier_code, "0x00000058");
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_EQ(a.submits().size(), 1u);
}

TEST_F(EngineTest, TtlPassingWhileNoCarrierCanSubmitEndsExpiredAndNeverSubmits) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.set_can_submit(false);
  Insert("m", MessageSpec{.ttl_seconds = 60});

  clock_.Advance(seconds(59));
  ASSERT_NO_FATAL_FAILURE(SweepOnce());
  EXPECT_EQ(StatusOf("m"), Status::kQueued);

  clock_.Advance(seconds(1));
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kExpired; }));
  store::MessageRecord record = Record("m");
  EXPECT_EQ(record.attempts, 0);
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "ttl_expired");

  // The carrier comes back: the engine takes the delivery, sees it ended, and drops it.
  a.set_can_submit(true);
  engine_->OnLinkChange("A", 1);
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_TRUE(a.submits().empty());
  EXPECT_EQ(StatusOf("m"), Status::kExpired);
}

// The TTL check when the engine takes a message: the carrier is down past the TTL and the
// sweep (here only the one at start-up) has not closed the message yet.
TEST_F(EngineTest, MessageTakenAfterItsTtlIsExpiredInsteadOfSubmitted) {
  EngineSetup setup;
  setup.options.sweep_interval = std::chrono::hours(1);
  ASSERT_NO_FATAL_FAILURE(Start(setup));
  FakeCarrier& a = carrier("A");
  a.set_can_submit(false);
  Insert("m", MessageSpec{.ttl_seconds = 60});
  clock_.Advance(seconds(60));

  a.set_can_submit(true);
  engine_->OnLinkChange("A", 1);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kExpired; }));
  store::MessageRecord record = Record("m");
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "ttl_expired");
  EXPECT_EQ(record.attempts, 0);
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_TRUE(a.submits().empty());
}

// Another carrier is up, so the engine takes the message, finds its route's only carrier
// unable to take it, and puts it back (no_carrier_retry) without spending an attempt.
EngineSetup RouteCarrierAndAnotherOne() {
  return EngineSetup{.carriers = {"A", "Z"},
                     .routes = {FailoverRoute({"A"}, "+44"), FailoverRoute({"Z"}, "*")}};
}

TEST_F(EngineTest, TtlPassingWhileTheRouteCarrierIsDownEndsExpiredWithoutAnAttempt) {
  ASSERT_NO_FATAL_FAILURE(Start(RouteCarrierAndAnotherOne()));
  FakeCarrier& a = carrier("A");
  a.set_can_submit(false);
  Insert("m", MessageSpec{.ttl_seconds = 60});
  ASSERT_TRUE(RunUntil([&] { return queue_.NextRetryAt().has_value(); })) << "never taken";

  clock_.Advance(seconds(60));
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kExpired; }));
  store::MessageRecord record = Record("m");
  EXPECT_EQ(record.attempts, 0);
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "ttl_expired");

  a.set_can_submit(true);
  engine_->OnLinkChange("A", 1);
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_TRUE(a.submits().empty());
  EXPECT_TRUE(carrier("Z").submits().empty()) << "borrowed another route's carrier";
}

TEST_F(EngineTest, MessageWaitingForItsRouteCarrierIsSentWhenItComesBack) {
  ASSERT_NO_FATAL_FAILURE(Start(RouteCarrierAndAnotherOne()));
  FakeCarrier& a = carrier("A");
  a.set_can_submit(false);
  Insert("m", MessageSpec{.ttl_seconds = 60});
  for (int i = 0; i < 3; ++i) {  // three rounds of waiting, ten seconds each
    ASSERT_TRUE(RunUntil([&] { return queue_.NextRetryAt() > clock_.NowUnixMillis(); }));
    clock_.Advance(seconds(10));
  }
  EXPECT_EQ(StatusOf("m"), Status::kQueued);

  a.set_can_submit(true);
  engine_->OnLinkChange("A", 1);
  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(Record("m").attempts, 1) << "waiting for a carrier spent attempts";
  EXPECT_EQ(a.SubmitsOf("m"), 1u);
  EXPECT_TRUE(carrier("Z").submits().empty());
}

}  // namespace
}  // namespace deliverer::delivery::testing
