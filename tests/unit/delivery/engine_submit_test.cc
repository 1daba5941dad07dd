// The engine's normal path: take, route, submit, record `sent`, complete by receipt.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

TEST_F(EngineTest, AcceptedMessageIsSentThenDeliveredByItsReceipt) {
  Insert("m1", MessageSpec{.body = "hello", .to = "+447700900123"});
  clock_.Advance(std::chrono::minutes(10));  // a tenth of its hour-long TTL has passed
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  EXPECT_TRUE(a.started());

  ASSERT_TRUE(RunUntil([&] { return StatusOf("m1") == Status::kSent; }));
  ASSERT_EQ(a.submits().size(), 1u);
  const carriers::CarrierSubmit& submit = a.submits()[0];
  EXPECT_EQ(submit.message_id, "m1");
  EXPECT_EQ(submit.from, "Deliverer");
  EXPECT_EQ(submit.to, "+447700900123");
  EXPECT_EQ(submit.encoding, model::Encoding::kGsm7);
  ASSERT_EQ(submit.segments.size(), 1u);
  EXPECT_TRUE(submit.segments[0].udh.empty());
  EXPECT_EQ(submit.validity_s, 3000) << "the TTL that remains, not the whole TTL";
  store::MessageRecord sent = Record("m1");
  EXPECT_EQ(sent.carrier, "A");
  EXPECT_EQ(sent.attempts, 1);
  EXPECT_EQ(sent.sent_at_ms, clock_.NowUnixMillis());

  const std::vector<std::string> ids = a.CarrierIdsOf("m1");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(Receipt("A", ids[0], Status::kDelivered, "DELIVRD/000"));
  store::MessageRecord done = Record("m1");
  EXPECT_EQ(done.status, Status::kDelivered);
  EXPECT_FALSE(done.error.has_value());
  EXPECT_EQ(EventsOf("m1"),
            (std::vector<Status>{Status::kQueued, Status::kSent, Status::kDelivered}));
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; })) << "the delivery was never acked";
  EXPECT_EQ(a.submits().size(), 1u);
}

// A delivery taken when no carrier has room would go back to the queue and free its
// destination; that destination's next message could then go first.
TEST_F(EngineTest, TakesNoMoreThanTheCarrierHasRoomForSoOrderHolds) {
  const std::string kTo = "+447700900201";
  Insert("b1", {.to = "+447700900202"});
  Insert("c1", {.to = "+447700900203"});
  Insert("a1", {.to = kTo});
  Insert("a2", {.to = kTo});
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  a.set_window(2);
  ASSERT_TRUE(RunUntil([&] { return a.held() == 2; }));
  io_.poll();
  EXPECT_EQ(a.submits().size(), 2u);
  EXPECT_EQ(queue_.NextRetryAt(), std::nullopt) << "a delivery was taken only to go back";

  ASSERT_TRUE(RunUntil([&] {
    if (a.held() > 0) a.ReleaseOldest(Kind::kAccepted);
    return StatusOf("a2") == Status::kSent;
  }));
  std::vector<std::string> order;
  for (const carriers::CarrierSubmit& submit : a.submits()) order.push_back(submit.message_id);
  EXPECT_EQ(order, (std::vector<std::string>{"b1", "c1", "a1", "a2"}));
}

TEST_F(EngineTest, MultipartMessageIsDeliveredOnlyWhenEveryPartHasItsReceipt) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Insert("long", MessageSpec{.body = std::string(200, 'a')});  // two GSM-7 segments
  FakeCarrier& a = carrier("A");
  ASSERT_TRUE(RunUntil([&] { return StatusOf("long") == Status::kSent; }));
  ASSERT_EQ(a.submits().size(), 1u);
  ASSERT_EQ(a.submits()[0].segments.size(), 2u);
  EXPECT_FALSE(a.submits()[0].segments[0].udh.empty()) << "concatenated parts carry a UDH";

  const std::vector<std::string> ids = a.CarrierIdsOf("long");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(Receipt("A", ids[1], Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(StatusOf("long"), Status::kSent) << "one part is still on its way";
  EXPECT_TRUE(Receipt("A", ids[0], Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(StatusOf("long"), Status::kDelivered);
}

// docs/api.md "Smart encoding": the store keeps the producer's body; the carrier gets the
// replaced text, in the encoding and segments recorded (and reported) at ingest.
TEST_F(EngineTest, SmartEncodedMessageGoesOutAsItsGsm7Text) {
  const std::string body = "\u201CHello\u201D, it\u2019s " + std::string(80, 'a');  // 94 units
  Insert("smart", MessageSpec{.body = body, .smart_encoding = true});
  Insert("plain", MessageSpec{.body = body});
  ASSERT_EQ(Record("smart").encoding, model::Encoding::kGsm7);
  ASSERT_EQ(Record("smart").segments, 1);
  ASSERT_EQ(Record("plain").segments, 2);
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  ASSERT_TRUE(RunUntil(
      [&] { return StatusOf("smart") == Status::kSent && StatusOf("plain") == Status::kSent; }));
  ASSERT_EQ(a.submits().size(), 2u);
  for (const carriers::CarrierSubmit& submit : a.submits()) {
    SCOPED_TRACE(submit.message_id);
    if (submit.message_id == "smart") {
      EXPECT_EQ(submit.text, "\"Hello\", it's " + std::string(80, 'a'));
      EXPECT_EQ(submit.encoding, model::Encoding::kGsm7);
      ASSERT_EQ(submit.segments.size(), 1u);
      EXPECT_EQ(submit.segments[0].payload.size(), 94u) << "one septet per character";
      EXPECT_EQ(submit.segments[0].payload[0], 0x22) << "a straight quote";
    } else {
      EXPECT_EQ(submit.text, body);
      EXPECT_EQ(submit.encoding, model::Encoding::kUcs2);
      EXPECT_EQ(submit.segments.size(), 2u);
    }
  }
}

TEST_F(EngineTest, ReceiptThatOvertakesTheSubmitAnswerIsAppliedWhenTheSubmitIsRecorded) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("early");
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));
  // The receipt comes (on another bind, say) before the submit's answer is handled.
  const std::string carrier_id = a.NextCarrierId();
  EXPECT_TRUE(Receipt("A", carrier_id, Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(StatusOf("early"), Status::kQueued);
  EXPECT_EQ(*store_->UnmatchedReceipts(), 1);

  a.ReleaseOldest(Kind::kAccepted);
  EXPECT_EQ(a.CarrierIdsOf("early"), std::vector<std::string>{carrier_id});
  ASSERT_TRUE(RunUntil([&] { return StatusOf("early") == Status::kDelivered; }));
  EXPECT_EQ(EventsOf("early"),
            (std::vector<Status>{Status::kQueued, Status::kSent, Status::kDelivered}));
  EXPECT_EQ(*store_->UnmatchedReceipts(), 0);
}

TEST_F(EngineTest, DestinationWithoutRouteFailsWithoutASubmit) {
  ASSERT_NO_FATAL_FAILURE(Start(EngineSetup{.routes = {FailoverRoute({"A"}, "+33")}}));
  Insert("nowhere", MessageSpec{.to = "+447700900555"});
  ASSERT_TRUE(RunUntil([&] { return StatusOf("nowhere") == Status::kFailed; }));
  store::MessageRecord record = Record("nowhere");
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "no_route");
  EXPECT_EQ(record.attempts, 0);
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_TRUE(carrier("A").submits().empty());
}

}  // namespace
}  // namespace deliverer::delivery::testing
