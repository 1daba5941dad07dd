// What the SMPP server for producers needs of a store (docs/smpp-server.md): receipts as
// outbox rows read per system_id and kept from the webhook dispatcher, messages stored
// already rejected, and long messages' parts consumed in the commit of their message.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

constexpr int64_t kFarFuture = 1'000'000'000'000'000;

class ProducersConformance : public ConformanceTest {
 protected:
  std::vector<std::string> ReceiptIds(const std::string& system_id, int64_t now = kFarFuture) {
    std::vector<std::string> out;
    auto due = outbox().DueProducerReceipts(system_id, now, 100);
    EXPECT_TRUE(due.ok());
    for (const ProducerReceiptJob& job : *due) out.push_back(job.message_id);
    return out;
  }
  InboundPart Part(const std::string& carrier, int sequence) {
    return InboundPart{InboundPartsKey{carrier, "+447700900123", "+447911123456", 7, 2}, sequence,
                       "part " + std::to_string(sequence), clock_.NowUnixMillis()};
  }
};

TEST_P(ProducersConformance, OnlyTheEndOfASmppMessageIsAReceiptAndNeverAWebhook) {
  Queue("s1", 1, ProducerReceiptUrl("esme1", false));
  Queue("h1", 1, "http://127.0.0.1:9/hook");
  Change({Sent("s1", {"k1"}), Sent("h1", {"k2"})});
  EXPECT_TRUE(ReceiptIds("esme1").empty()) << "sent is not announced to an SMPP producer";
  Receipt("k1", MsgStatus::kDelivered, "DELIVRD/000", 2500);
  Receipt("k2", MsgStatus::kDelivered);

  auto due = outbox().DueProducerReceipts("esme1", kFarFuture, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  const ProducerReceiptJob& job = due->front();
  EXPECT_EQ(job.message_id, "s1");
  EXPECT_EQ(job.account, "acme");
  EXPECT_EQ(job.status, MsgStatus::kDelivered);
  EXPECT_EQ(job.to, "+447911123456");
  EXPECT_EQ(job.submitted_at_ms, clock_.NowUnixMillis());
  EXPECT_EQ(job.done_at_ms, 2500);
  EXPECT_EQ(job.text, "hello") << "the receipt quotes the text";
  EXPECT_FALSE(job.failures_only);
  EXPECT_TRUE(ReceiptIds("esme2").empty()) << "another producer's receipts are not read";

  auto hooks = outbox().DueWebhooks(kFarFuture, 10, {});
  ASSERT_TRUE(hooks.ok());
  for (const WebhookJob& hook : *hooks) EXPECT_EQ(hook.message_id, "h1") << "the dispatcher never sees s1";
}

TEST_P(ProducersConformance, AReceiptIsRemovedOnceDeliveredAndWaitsAfterARefusal) {
  Queue("s1", 1, ProducerReceiptUrl("esme1", true));
  ChangeOne(StatusChange{.message_id = "s1", .status = MsgStatus::kFailed, .at_ms = 10,
                         .error = MessageError{"carrier_rejected", "no", "UNDELIV/001"}});
  auto due = outbox().DueProducerReceipts("esme1", kFarFuture, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_TRUE(due->front().failures_only);
  EXPECT_EQ(due->front().error->carrier_code, "UNDELIV/001");
  ASSERT_TRUE(Complete({WebhookDone{due->front().event_id, false, 5'000}}).ok());
  EXPECT_TRUE(ReceiptIds("esme1", 4'999).empty()) << "refused: not due before its retry";
  auto again = outbox().DueProducerReceipts("esme1", 5'000, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().attempts, 1);
  ASSERT_TRUE(Complete({WebhookDone{again->front().event_id, true, 0}}).ok());
  EXPECT_TRUE(ReceiptIds("esme1").empty());
}

TEST_P(ProducersConformance, AMessageStoredRejectedEndsAtOnceAndIsAnnounced) {
  NewMessage m = Message("r1");
  m.callback_url = ProducerReceiptUrl("esme1", false);
  m.rejected = MessageError{"parts_incomplete", "1 of 2 parts came in time", ""};
  auto inserted = Insert(m);
  ASSERT_TRUE(inserted.ok());
  EXPECT_EQ(inserted->outcome, InsertOutcome::kCreated);
  EXPECT_EQ(inserted->record.status, MsgStatus::kRejected);
  const MessageRecord record = Record("r1");
  EXPECT_EQ(record.status, MsgStatus::kRejected);
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "parts_incomplete");
  EXPECT_EQ(messages().PendingCount(), 0) << "never waiting for a carrier";
  EXPECT_EQ(ReceiptIds("esme1"), std::vector<std::string>{"r1"});
}

TEST_P(ProducersConformance, AMessagesPartsGoInItsCommitAndOwnersKeepApart) {
  const std::string producer = std::string(kProducerPartsPrefix) + "esme1";
  ASSERT_TRUE(KeepPart(Part(producer, 1), 1)->kept);
  EXPECT_FALSE(KeepPart(Part(producer, 2), 1)->kept) << "the producers' bound is reached";
  EXPECT_TRUE(KeepPart(Part("sim-a", 1), 1)->kept) << "carriers' parts have their own bound";
  ASSERT_TRUE(KeepPart(Part(producer, 2), 2)->kept);

  auto carriers = inbound().ExpiredInboundParts(kFarFuture, 10, PartsOwner::kCarriers);
  ASSERT_EQ(carriers->size(), 1u);
  EXPECT_EQ(carriers->front().front().key.carrier, "sim-a");
  auto producers = inbound().ExpiredInboundParts(kFarFuture, 10, PartsOwner::kProducers);
  ASSERT_EQ(producers->size(), 1u);
  EXPECT_EQ(producers->front().size(), 2u);

  NewMessage m = Message("joined");
  m.consumes_parts = producers->front().front().key;
  ASSERT_TRUE(Insert(m).ok());
  EXPECT_TRUE(inbound().ExpiredInboundParts(kFarFuture, 10, PartsOwner::kProducers)->empty());
  EXPECT_EQ(inbound().ExpiredInboundParts(kFarFuture, 10, PartsOwner::kCarriers)->size(), 1u);
}

// A producer that sent a long message's parts again under its id after the message was
// made (docs/smpp-server.md "Sending again"): the replay takes the parts with it.
TEST_P(ProducersConformance, AReplayedMessageConsumesItsPartsAndAConflictKeepsThem) {
  const std::string producer = std::string(kProducerPartsPrefix) + "esme1";
  ASSERT_TRUE(Insert(Message("whole")).ok());
  ASSERT_TRUE(KeepPart(Part(producer, 1), 10)->kept);
  const InboundPartsKey key = Part(producer, 1).key;

  NewMessage other = Message("whole");
  other.body = "another text";
  other.payload_hash = "another hash";
  other.consumes_parts = key;
  auto conflict = Insert(other);
  ASSERT_TRUE(conflict.ok());
  EXPECT_EQ(conflict->outcome, InsertOutcome::kConflict);
  EXPECT_EQ(inbound().ExpiredInboundParts(kFarFuture, 10, PartsOwner::kProducers)->size(), 1u)
      << "a conflict leaves the parts to end otherwise";

  NewMessage again = Message("whole");
  again.consumes_parts = key;
  auto replay = Insert(again);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->outcome, InsertOutcome::kReplayed);
  EXPECT_TRUE(inbound().ExpiredInboundParts(kFarFuture, 10, PartsOwner::kProducers)->empty());
}

TEST_P(ProducersConformance, AnMoForAnAccountsSmppBindsIsQueuedBesideItsWebhook) {
  const InboundRecord mo{"mo-1", "sim-a", "+447911123456", "+447700900123", "Hi there", 1000, "", "acme"};
  ASSERT_TRUE(Inbound(mo, InboundEffects{.forward_url = "http://127.0.0.1:9/in", .forward_smpp = true}).ok());
  auto due = outbox().DueProducerInbound("acme", kFarFuture, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().inbound_id, "mo-1");
  EXPECT_EQ(due->front().from, "+447911123456");
  EXPECT_EQ(due->front().to, "+447700900123");
  EXPECT_EQ(due->front().text, "Hi there");
  EXPECT_TRUE(outbox().DueProducerInbound("globex", kFarFuture, 10)->empty());
  EXPECT_TRUE(outbox().DueProducerInbound("acme", 999, 10)->empty()) << "due from its arrival";

  auto hooks = outbox().DueWebhooks(kFarFuture, 10, {});
  ASSERT_EQ(hooks->size(), 1u) << "the webhook, not the SMPP row";
  EXPECT_EQ(hooks->front().url, "http://127.0.0.1:9/in");
  ASSERT_TRUE(Complete({WebhookDone{due->front().event_id, true, 0}}).ok());
  EXPECT_TRUE(outbox().DueProducerInbound("acme", kFarFuture, 10)->empty());
}

DELIVERER_CONFORMANCE_SUITE(ProducersConformance, Concern::kOutbox);

}  // namespace
}  // namespace deliverer::store::conformance
