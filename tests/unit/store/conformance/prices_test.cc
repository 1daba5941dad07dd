// Prices (docs/api.md "Cost"): the estimate a message is accepted with and the cost recorded
// when a carrier takes it, kept as they were whatever happens to the message afterwards.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class PricesConformance : public ConformanceTest {
 protected:
  // Every segment accepted by sim-a, at 0.0050 USD a segment.
  static StatusChange SentAt(const std::string& id, int segments) {
    StatusChange sent = Sent(id, {"k-" + id});
    sent.cost = model::Price{5'000 * segments, "USD"};
    return sent;
  }
};

TEST_P(PricesConformance, TheEstimateIsKeptWithTheMessage) {
  NewMessage m = Message("m1");
  m.segments = 2;
  m.estimate = model::Price{10'000, "USD"};
  auto created = Insert(m);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->record.estimate, (model::Price{10'000, "USD"}));
  EXPECT_EQ(Record("m1").estimate, (model::Price{10'000, "USD"}));
  auto listed = messages().ListMessages(MessageQuery{.account = "acme"});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->messages.size(), 1u);
  EXPECT_EQ(listed->messages[0].estimate, (model::Price{10'000, "USD"}));
  EXPECT_FALSE(Record("m1").cost.has_value());
}

TEST_P(PricesConformance, AMessageWithoutAnEstimateHasNone) {
  ASSERT_TRUE(Insert(Message("m1")).ok());
  EXPECT_FALSE(Record("m1").estimate.has_value());
}

TEST_P(PricesConformance, AReplayAnswersWithTheOriginalEstimate) {
  NewMessage m = Message("m1");
  m.estimate = model::Price{5'000, "EUR"};
  ASSERT_TRUE(Insert(m).ok());
  m.estimate = model::Price{7'000, "EUR"};  // the prices changed in between
  auto again = Insert(m);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, InsertOutcome::kReplayed);
  EXPECT_EQ(again->record.estimate, (model::Price{5'000, "EUR"}));
}

TEST_P(PricesConformance, TheCostIsRecordedWhenSentAndKeptToTheEnd) {
  Queue("m1", 2);
  ASSERT_TRUE(ChangeOne(SentAt("m1", 2)).applied());
  EXPECT_EQ(Record("m1").cost, (model::Price{10'000, "USD"}));
  EXPECT_EQ(Receipt("k-m1", MsgStatus::kFailed, "UNDELIV/001").kind, ReceiptResult::Kind::kApplied);
  const MessageRecord m = Record("m1");
  EXPECT_EQ(m.status, MsgStatus::kFailed);
  EXPECT_EQ(m.cost, (model::Price{10'000, "USD"})) << "the carrier took it";
}

TEST_P(PricesConformance, AMessageNoCarrierTookHasNoCost) {
  Queue("m1");
  StatusChange retry{.message_id = "m1", .status = MsgStatus::kQueued, .at_ms = 5,
                     .carrier = "sim-a", .attempts = 1};
  retry.error = MessageError{"carrier_transient_error", "busy", "0x00000058"};
  ASSERT_TRUE(ChangeOne(retry).applied());
  StatusChange failed{.message_id = "m1", .status = MsgStatus::kFailed, .at_ms = 7,
                      .carrier = "sim-a", .attempts = 5};
  failed.error = MessageError{"attempts_exhausted", "busy", "0x00000058"};
  ASSERT_TRUE(ChangeOne(failed).applied());
  EXPECT_FALSE(Record("m1").cost.has_value());
}

TEST_P(PricesConformance, ASentChangeWithoutAPriceRecordsNoCost) {
  Queue("m1");
  ASSERT_TRUE(ChangeOne(Sent("m1", {"a1"})).applied());
  EXPECT_FALSE(Record("m1").cost.has_value());
}

TEST_P(PricesConformance, AStaleSentChangeDoesNotRewriteTheCost) {
  Queue("m1");
  ASSERT_TRUE(ChangeOne(SentAt("m1", 1)).applied());
  StatusChange again = SentAt("m1", 1);
  again.cost = model::Price{9'999, "USD"};
  EXPECT_FALSE(ChangeOne(again).applied());
  EXPECT_EQ(Record("m1").cost, (model::Price{5'000, "USD"}));
}

DELIVERER_CONFORMANCE_SUITE(PricesConformance, Concern::kDelivery);

}  // namespace
}  // namespace deliverer::store::conformance
