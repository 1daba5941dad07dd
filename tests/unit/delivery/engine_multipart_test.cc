// Multipart messages whose segments get different answers: what a retry resends, when the
// message fails, and what the counters say (docs/smpp-mapping.md "Multipart messages and
// retries").
#include <gtest/gtest.h>

#include <string>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

const std::string kThreeParts(400, 'p');  // three GSM-7 segments

// The UDH's part number (its last octet).
int PartOf(const text::Segment& segment) { return segment.udh.empty() ? 0 : segment.udh.back(); }

double CounterValue(metrics::Registry& metrics, const std::string& series) {
  const std::string text = metrics.Render();
  const size_t at = text.find("\n" + series + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 2));
}

// Finding 12 of the hardening review: a retry resubmitted every segment, also those the
// SMSC had accepted; handsets got parts two to four times and the producer paid for each.
TEST_F(EngineTest, ARetryResendsOnlyTheSegmentsNotAcceptedWithTheSameReference) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  // The first attempt: the middle segment refused for now (0x08), the others taken.
  a.set_segment_script([&](const carriers::CarrierSubmit&, size_t position) {
    return a.submits().size() == 1 && position == 1 ? Kind::kTransient : Kind::kAccepted;
  });
  Insert("long", MessageSpec{.body = kThreeParts});
  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("long") == Status::kSent; }));

  ASSERT_EQ(a.submits().size(), 2u);
  const auto& first = a.submits()[0].segments;
  const auto& retry = a.submits()[1].segments;
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(retry.size(), 1u) << "only the segment that was refused";
  EXPECT_EQ(PartOf(retry[0]), 2);
  EXPECT_EQ(retry[0].udh, first[1].udh) << "same concatenation reference, same part number";
  EXPECT_EQ(retry[0].payload, first[1].payload);
  EXPECT_EQ(Record("long").attempts, 2);

  // Each of the three carrier ids reaches its segment's receipt.
  const std::vector<std::string> ids = a.CarrierIdsOf("long");
  ASSERT_EQ(ids.size(), 3u);
  for (const std::string& id : ids) EXPECT_TRUE(Receipt("A", id, Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(StatusOf("long"), Status::kDelivered);
  EXPECT_EQ(CounterValue(metrics_, "deliverer_segments_sent_total{carrier=\"A\"}"), 3);
}

TEST_F(EngineTest, AMultipartMessageFailsOnlyWhenOneSegmentHasUsedEveryAttempt) {
  EngineSetup setup;
  setup.options.max_attempts = 3;
  ASSERT_NO_FATAL_FAILURE(Start(setup));
  FakeCarrier& a = carrier("A");
  // The last segment is refused every time; the others are taken the first time.
  a.set_segment_script([](const carriers::CarrierSubmit& submit, size_t position) {
    return PartOf(submit.segments[position]) == 3 ? Kind::kTransient : Kind::kAccepted;
  });
  Insert("long", MessageSpec{.body = kThreeParts});
  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("long") == Status::kFailed; }));

  ASSERT_EQ(a.submits().size(), 3u);
  EXPECT_EQ(a.submits()[0].segments.size(), 3u);
  EXPECT_EQ(a.submits()[1].segments.size(), 1u);
  EXPECT_EQ(a.submits()[2].segments.size(), 1u);
  const store::MessageRecord failed = Record("long");
  EXPECT_EQ(failed.attempts, 3);
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->code, "attempts_exhausted");
  // The two segments taken are recorded: their receipts find the (failed) message.
  const std::vector<std::string> ids = a.CarrierIdsOf("long");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(Receipt("A", ids[0], Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(*store_->UnmatchedReceipts(), 0);
  EXPECT_EQ(StatusOf("long"), Status::kFailed) << "a final status stays";
}

// Finding 13: a receipt parked because it came before its submit was recorded, and
// applied then, was never counted in deliverer_messages_delivered_total.
TEST_F(EngineTest, AReceiptAppliedWhenItsSubmitIsRecordedIsCountedOnce) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("early");
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));
  EXPECT_TRUE(Receipt("A", a.NextCarrierId(), Status::kDelivered, "DELIVRD/000"));
  a.ReleaseOldest(Kind::kAccepted);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("early") == Status::kDelivered; }));
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_EQ(CounterValue(metrics_, "deliverer_messages_sent_total{carrier=\"A\"}"), 1);
  EXPECT_EQ(CounterValue(metrics_, "deliverer_messages_delivered_total{carrier=\"A\"}"), 1);
}

}  // namespace
}  // namespace deliverer::delivery::testing
