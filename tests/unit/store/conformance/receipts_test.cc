// DeliveryStore: receipts matched by (carrier, match_key) in every order, multipart
// messages, and final statuses that never move (docs/reliability.md R9).
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class ReceiptsConformance : public ConformanceTest {};

TEST_P(ReceiptsConformance, SentThenDeliveredWithEvents) {
  Queue("m1");
  ASSERT_TRUE(ChangeOne(Sent("m1", {"a1"})).applied());
  auto r = Receipt("a1", MsgStatus::kDelivered);
  EXPECT_EQ(r.kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(r.message_id, "m1");
  EXPECT_EQ(r.status, MsgStatus::kDelivered);
  EXPECT_EQ(r.created_at_ms, clock_.NowUnixMillis());
  const MessageRecord m = Record("m1");
  EXPECT_EQ(m.status, MsgStatus::kDelivered);
  EXPECT_EQ(m.carrier, "sim-a");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.sent_at_ms, 1500);
  EXPECT_EQ(m.done_at_ms, 2000);
  EXPECT_FALSE(m.error.has_value());
  EXPECT_EQ(EventsOf("m1"), (std::vector<MsgStatus>{MsgStatus::kQueued, MsgStatus::kSent, MsgStatus::kDelivered}));
  EXPECT_EQ(m.events.back().detail, "DELIVRD/000");
}

TEST_P(ReceiptsConformance, AReceiptForAnotherCarrierDoesNotMatch) {
  Queue("m1");
  ASSERT_TRUE(ChangeOne(Sent("m1", {"a1"})).applied());
  auto results = [&] {
    std::promise<std::vector<Result<ReceiptResult>>> done;
    delivery().ApplyReceipts({ReceiptIn{"sim-b", "a1", "a1", MsgStatus::kDelivered, "DELIVRD/000", 2000}},
                             [&](auto r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }();
  ASSERT_TRUE(results[0].ok());
  EXPECT_EQ(results[0]->kind, ReceiptResult::Kind::kParked);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kSent);
}

TEST_P(ReceiptsConformance, EarlyReceiptIsParkedThenAppliedWhenTheSubmitIsRecorded) {
  Queue("m4");
  auto r = Receipt("d1", MsgStatus::kDelivered);
  EXPECT_EQ(r.kind, ReceiptResult::Kind::kParked);
  EXPECT_EQ(*delivery().UnmatchedReceipts(), 1);
  const ChangeResult sent = ChangeOne(Sent("m4", {"d1"}));
  EXPECT_TRUE(sent.applied());
  EXPECT_EQ(sent.settled, MsgStatus::kDelivered) << "the parked receipt moved it on in the same commit";
  EXPECT_EQ(StatusOf("m4"), MsgStatus::kDelivered);
  EXPECT_EQ(EventsOf("m4"), (std::vector<MsgStatus>{MsgStatus::kQueued, MsgStatus::kSent, MsgStatus::kDelivered}));
  EXPECT_EQ(*delivery().UnmatchedReceipts(), 0);
}

TEST_P(ReceiptsConformance, ParkedIntermediateReceiptSettlesNothing) {
  Queue("m1");
  EXPECT_EQ(Receipt("d1", MsgStatus::kSent, "ENROUTE/000").kind, ReceiptResult::Kind::kParked);
  const ChangeResult sent = ChangeOne(Sent("m1", {"d1"}));
  EXPECT_FALSE(sent.settled.has_value());
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kSent);
  EXPECT_EQ(*delivery().UnmatchedReceipts(), 0);
}

TEST_P(ReceiptsConformance, DuplicateReceiptChangesNothing) {
  Queue("m1");
  ChangeOne(Sent("m1", {"a1"}));
  EXPECT_EQ(Receipt("a1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  auto again = Receipt("a1", MsgStatus::kDelivered, "DELIVRD/000", 3000);
  EXPECT_EQ(again.kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(again.status, MsgStatus::kDelivered);
  EXPECT_EQ(Record("m1").done_at_ms, 2000);
  EXPECT_EQ(EventsOf("m1").size(), 3u);
}

TEST_P(ReceiptsConformance, IntermediateThenFinal) {
  Queue("m6");
  ChangeOne(Sent("m6", {"f1"}));
  EXPECT_EQ(Receipt("f1", MsgStatus::kSent, "ENROUTE/000").kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m6"), MsgStatus::kSent);
  EXPECT_EQ(Receipt("f1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m6"), MsgStatus::kDelivered);
}

TEST_P(ReceiptsConformance, FailedReceiptEndsTheMessageWithTheCarriersCode) {
  Queue("m1");
  ChangeOne(Sent("m1", {"a1"}));
  EXPECT_EQ(Receipt("a1", MsgStatus::kFailed, "UNDELIV/001").kind, ReceiptResult::Kind::kApplied);
  const MessageRecord m = Record("m1");
  EXPECT_EQ(m.status, MsgStatus::kFailed);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(*m.error, model::ReceiptError(MsgStatus::kFailed, "UNDELIV/001"));
  EXPECT_EQ(m.done_at_ms, 2000);
}

TEST_P(ReceiptsConformance, LateReceiptAfterTheReceiptWaitChangesNothing) {
  Queue("m1");
  ChangeOne(Sent("m1", {"a1"}));
  ASSERT_TRUE(ChangeOne(StatusChange{.message_id = "m1", .status = model::kStatusAfterReceiptWait,
                                     .only_from = MsgStatus::kSent, .at_ms = 100'000,
                                     .error = model::NoReceiptError()})
                  .applied());
  auto late = Receipt("a1", MsgStatus::kDelivered, "DELIVRD/000", 100'001);
  EXPECT_EQ(late.kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(late.status, MsgStatus::kExpired);
  const MessageRecord m = Record("m1");
  EXPECT_EQ(m.status, MsgStatus::kExpired);
  EXPECT_EQ(m.error, model::NoReceiptError());
}

TEST_P(ReceiptsConformance, TerminalMessagesNeverMove) {
  Queue("m5");
  ChangeOne(Sent("m5", {"e1"}));
  Receipt("e1", MsgStatus::kFailed, "UNDELIV/001");
  EXPECT_EQ(Receipt("e1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m5"), MsgStatus::kFailed);
  for (MsgStatus s : {MsgStatus::kExpired, MsgStatus::kQueued, MsgStatus::kSent, MsgStatus::kDelivered}) {
    EXPECT_EQ(ChangeOne(StatusChange{.message_id = "m5", .status = s, .at_ms = 9}).outcome, ChangeOutcome::kIgnored);
  }
  EXPECT_EQ(StatusOf("m5"), MsgStatus::kFailed);
  EXPECT_EQ(Record("m5").error->carrier_code, "UNDELIV/001");
}

TEST_P(ReceiptsConformance, UnknownMessageIsIgnored) {
  const ChangeResult r = ChangeOne(Sent("ghost", {"z1"}));
  EXPECT_EQ(r.outcome, ChangeOutcome::kIgnored);
}

TEST_P(ReceiptsConformance, MultipartIsDeliveredOnlyWhenEverySegmentIs) {
  Queue("m2", 3);
  ChangeOne(Sent("m2", {"b1", "b2", "b3"}));
  EXPECT_EQ(Receipt("b1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(Receipt("b1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange) << "duplicate";
  EXPECT_EQ(Receipt("b3", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m2"), MsgStatus::kSent);
  EXPECT_EQ(Receipt("b2", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m2"), MsgStatus::kDelivered);
}

TEST_P(ReceiptsConformance, OneFailedSegmentOfThreeFailsTheMessage) {
  Queue("m3", 3);
  ChangeOne(Sent("m3", {"c1", "c2", "c3"}));
  Receipt("c1", MsgStatus::kDelivered);
  EXPECT_EQ(Receipt("c2", MsgStatus::kFailed, "UNDELIV/001").kind, ReceiptResult::Kind::kApplied);
  const MessageRecord m = Record("m3");
  EXPECT_EQ(m.status, MsgStatus::kFailed);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->code, "undeliverable");
  EXPECT_EQ(m.error->carrier_code, "UNDELIV/001");
  EXPECT_EQ(Receipt("c3", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m3"), MsgStatus::kFailed);
}

TEST_P(ReceiptsConformance, AWholeMessageReceiptDeliversEverySegment) {
  Queue("m1", 3);
  StatusChange sent = Sent("m1", {});
  sent.segments = {SegmentSubmit{-1, "whole", "whole"}};  // an HTTP carrier segments it itself
  ASSERT_TRUE(ChangeOne(sent).applied());
  EXPECT_EQ(Receipt("whole", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kDelivered);
}

TEST_P(ReceiptsConformance, MultipartReceiptsBeforeAndAfterTheSubmitCombine) {
  Queue("m1", 2);
  EXPECT_EQ(Receipt("p1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kParked);
  const ChangeResult sent = ChangeOne(Sent("m1", {"p1", "p2"}));
  EXPECT_FALSE(sent.settled.has_value()) << "one segment is still on its way";
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kSent);
  EXPECT_EQ(Receipt("p2", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kDelivered);
}

// Calls made before the ones before them are answered: a backend may apply them together
// (store/sql/delivery_job.h), and must end where applying them one by one would.
TEST_P(ReceiptsConformance, CallsMadeWithoutWaitingEndAsTheyWouldOneByOne) {
  Queue("m1");
  Queue("m2");
  Queue("m3", 2);
  Queue("m4");
  Queue("m5", 2);
  using Receipts = std::vector<Result<ReceiptResult>>;
  using Changes = std::vector<Result<ChangeResult>>;
  std::vector<std::future<Receipts>> receipts;
  std::vector<std::future<Changes>> changes;
  auto receipt = [&](const std::string& key, MsgStatus status) {
    auto done = std::make_shared<std::promise<Receipts>>();
    receipts.push_back(done->get_future());
    delivery().ApplyReceipts({ReceiptIn{"sim-a", key, key, status, "DELIVRD/000", 2000}},
                             [done](Receipts r) { done->set_value(std::move(r)); });
  };
  auto change = [&](std::vector<StatusChange> batch) {
    auto done = std::make_shared<std::promise<Changes>>();
    changes.push_back(done->get_future());
    delivery().RecordChanges(std::move(batch), [done](Changes r) { done->set_value(std::move(r)); });
  };
  StatusChange failed{.message_id = "m4", .status = MsgStatus::kFailed, .at_ms = 1600, .attempts = 1};
  failed.error = MessageError{"carrier_rejected", "no", ""};

  receipt("e1", MsgStatus::kDelivered);                    // receipts[0]: before its submit
  change({Sent("m1", {"e1"})});                            // changes[0]: settles m1
  change({Sent("m2", {"s1"}), Sent("m3", {"q1", "q2"})});  // changes[1]
  receipt("s1", MsgStatus::kDelivered);                    // receipts[1]: m2
  receipt("q1", MsgStatus::kDelivered);                    // receipts[2]: one segment of m3
  receipt("q2", MsgStatus::kDelivered);                    // receipts[3]: the other
  receipt("s1", MsgStatus::kDelivered);                    // receipts[4]: a duplicate
  change({failed, StatusChange{.message_id = "nobody", .status = MsgStatus::kSent}});  // changes[2]
  change({Sent("m5", {"s1", "s9"})});  // changes[3]: the carrier reused m2's id; it is m5's now
  receipt("x9", MsgStatus::kDelivered);                    // receipts[5]: no such submit

  std::vector<Receipts> r;
  for (auto& f : receipts) r.push_back(f.get());
  std::vector<Changes> c;
  for (auto& f : changes) c.push_back(f.get());
  for (const Receipts& call : r) {
    ASSERT_EQ(call.size(), 1u);
    ASSERT_TRUE(call[0].ok()) << call[0].error().detail;
  }
  ASSERT_EQ(c[0].size(), 1u);
  ASSERT_EQ(c[1].size(), 2u);
  ASSERT_EQ(c[2].size(), 2u);
  ASSERT_EQ(c[3].size(), 1u);
  for (const Changes& call : c) {
    for (const auto& one : call) ASSERT_TRUE(one.ok()) << one.error().detail;
  }
  EXPECT_EQ(r[0][0]->kind, ReceiptResult::Kind::kParked);
  EXPECT_EQ(c[0][0]->settled, MsgStatus::kDelivered);
  EXPECT_TRUE(c[1][0]->applied());
  EXPECT_TRUE(c[1][1]->applied());
  EXPECT_EQ(r[1][0]->kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(r[1][0]->message_id, "m2");
  EXPECT_EQ(r[2][0]->status, MsgStatus::kSent) << "one segment of two";
  EXPECT_EQ(r[3][0]->status, MsgStatus::kDelivered);
  EXPECT_EQ(r[4][0]->kind, ReceiptResult::Kind::kNoChange);
  EXPECT_TRUE(c[2][0]->applied());
  EXPECT_FALSE(c[2][1]->applied()) << "an unknown message";
  EXPECT_EQ(r[5][0]->kind, ReceiptResult::Kind::kParked);
  EXPECT_TRUE(c[3][0]->applied());

  EXPECT_EQ(StatusOf("m1"), MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m2"), MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m3"), MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m4"), MsgStatus::kFailed);
  EXPECT_EQ(EventsOf("m1"), (std::vector<MsgStatus>{MsgStatus::kQueued, MsgStatus::kSent, MsgStatus::kDelivered}));
  EXPECT_EQ(*delivery().UnmatchedReceipts(), 1) << "x9 alone waits";
  // Read afresh: m2's row gave the id up when m5's segment took it, or this receipt would
  // find m2 (a message row is looked at before the submits of segments).
  const ReceiptResult reused = Receipt("s1", MsgStatus::kDelivered);
  EXPECT_EQ(reused.message_id, "m5");
  EXPECT_EQ(Receipt("s9", MsgStatus::kDelivered).status, MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m5"), MsgStatus::kDelivered);
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(ReceiptsConformance, Concern::kDelivery);

}  // namespace deliverer::store::conformance
