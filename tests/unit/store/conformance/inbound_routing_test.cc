// InboundStore and OutboxStore for inbound to producers: the account an MO was assigned
// to, listed per account; its webhook in the same commit; parts of concatenated MOs kept
// until their message is recorded (docs/api.md "Inbound messages to producers").
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

constexpr int64_t kAfterEverything = 1'000'000'000'000'000;

class InboundRoutingConformance : public ConformanceTest {
 protected:
  static InboundRecord Mo(std::string id, int64_t at_ms, std::string account) {
    return InboundRecord{.id = std::move(id), .carrier = "sim-a", .from = "+447911123456",
                         .to = "447700900123", .body = "Hello there", .at_ms = at_ms,
                         .keyword_action = "", .account = std::move(account)};
  }
  Result<InboundPartsHeld> Keep(int sequence, int total, std::string text, int64_t at_ms,
                                uint32_t reference = 42, int64_t max_pending = 100) {
    InboundPart part{{"sim-a", "+447911123456", "60060", reference, total}, sequence, std::move(text), at_ms};
    return KeepPart(std::move(part), max_pending);
  }
  static InboundPartsKey Key(uint32_t reference = 42, int total = 3) {
    return InboundPartsKey{"sim-a", "+447911123456", "60060", reference, total};
  }
};

TEST_P(InboundRoutingConformance, AnAccountListsItsOwnInboundOnly) {
  ASSERT_TRUE(Inbound(Mo("mo1", 10, "acme")).ok());
  ASSERT_TRUE(Inbound(Mo("mo2", 20, "globex")).ok());
  ASSERT_TRUE(Inbound(Mo("mo3", 30, "")).ok());
  ASSERT_TRUE(Inbound(Mo("mo4", 40, "acme")).ok());
  auto acme = inbound().ListInbound(InboundQuery{.account = "acme"});
  ASSERT_TRUE(acme.ok());
  ASSERT_EQ(acme->size(), 2u);
  EXPECT_EQ((*acme)[0].id, "mo4") << "newest first";
  EXPECT_EQ((*acme)[1].id, "mo1");
  EXPECT_EQ((*acme)[0].account, "acme");
  auto page = inbound().ListInbound(InboundQuery{.account = "acme", .limit = 1, .after = std::make_pair(40, "mo4")});
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, "mo1");
  auto all = inbound().ListInbound(InboundQuery{});
  ASSERT_EQ(all->size(), 4u) << "the operators' list has every account's and unassigned ones";
  EXPECT_EQ((*all)[1].id, "mo3");
  EXPECT_EQ((*all)[1].account, "") << "unassigned";
}

TEST_P(InboundRoutingConformance, AForwardedMoHasItsWebhookInTheSameCommit) {
  ASSERT_TRUE(Inbound(Mo("mo1", 10, "acme"), {.forward_url = "https://acme.example/inbound"}).ok());
  ASSERT_TRUE(Inbound(Mo("mo2", 20, "acme")).ok()) << "no inbound_url: listed, not forwarded";
  ASSERT_TRUE(Inbound(Mo("mo3", 30, ""), {.forward_url = "https://x.example/"}).ok())
      << "unassigned: never forwarded";
  auto due = outbox().DueWebhooks(kAfterEverything, 10, {});
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  const WebhookJob& job = (*due)[0];
  ASSERT_TRUE(job.inbound.has_value());
  EXPECT_EQ(job.message_id, "mo1");
  EXPECT_EQ(job.account, "acme");
  EXPECT_EQ(job.url, "https://acme.example/inbound");
  EXPECT_EQ(job.carrier, "sim-a");
  EXPECT_EQ(job.at_ms, 10);
  EXPECT_EQ(job.inbound->from, "+447911123456");
  EXPECT_EQ(job.inbound->to, "447700900123");
  EXPECT_EQ(job.inbound->text, "Hello there");
  EXPECT_EQ(*outbox().PendingWebhooks(), 1);
  EXPECT_TRUE(outbox().DueWebhooks(kAfterEverything, 10, {"acme"})->empty()) << "skipped like a status event";
  ASSERT_TRUE(Complete({WebhookDone{job.event_id, false, 500}}).ok());
  EXPECT_TRUE(outbox().DueWebhooks(499, 10, {})->empty()) << "retried like a status event";
  ASSERT_EQ(outbox().DueWebhooks(500, 10, {})->size(), 1u);
  EXPECT_EQ((*outbox().DueWebhooks(500, 10, {}))[0].attempts, 1);
  ASSERT_TRUE(Complete({WebhookDone{job.event_id, true, 0}}).ok());
  EXPECT_EQ(*outbox().PendingWebhooks(), 0);
}

TEST_P(InboundRoutingConformance, PartsAreHeldBySetAndSequence) {
  auto first = Keep(3, 3, "c", 10);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->kept);
  ASSERT_EQ(first->parts.size(), 1u);
  ASSERT_TRUE(Keep(1, 3, "a", 11).ok());
  ASSERT_TRUE(Keep(1, 3, "other set", 12, /*reference=*/43).ok());
  auto again = Keep(1, 3, "resent", 13);
  ASSERT_EQ(again->parts.size(), 2u) << "a resent part is not held twice";
  EXPECT_EQ(again->parts[0].text, "a") << "the first one stays";
  auto last = Keep(2, 3, "b", 14);
  ASSERT_EQ(last->parts.size(), 3u);
  EXPECT_EQ(last->parts[0].sequence, 1);
  EXPECT_EQ(last->parts[1].text, "b");
  EXPECT_EQ(last->parts[2].text, "c");
  EXPECT_EQ(last->parts[2].at_ms, 10);
  EXPECT_EQ(last->parts[0].key, Key());
  EXPECT_EQ(*inbound().PendingInboundParts(), 4);
}

TEST_P(InboundRoutingConformance, RecordingAReassembledMoConsumesItsPartsOnce) {
  ASSERT_TRUE(Keep(1, 3, "a", 10).ok());
  ASSERT_TRUE(Keep(2, 3, "b", 11).ok());
  ASSERT_TRUE(Keep(1, 2, "x", 12, /*reference=*/7).ok());
  auto recorded = Inbound(Mo("mo1", 20, "acme"), {.consumes = Key()});
  ASSERT_TRUE(recorded.ok());
  EXPECT_FALSE(recorded->already_recorded);
  EXPECT_EQ(*inbound().PendingInboundParts(), 1) << "another set's part stays";
  auto twice = Inbound(Mo("mo2", 21, "acme"), {.forward_url = "https://acme.example/in", .consumes = Key()});
  ASSERT_TRUE(twice.ok());
  EXPECT_TRUE(twice->already_recorded);
  EXPECT_EQ(inbound().ListInbound(InboundQuery{})->size(), 1u) << "nothing recorded the second time";
  EXPECT_EQ(*outbox().PendingWebhooks(), 0);
}

TEST_P(InboundRoutingConformance, ExpiredSetsComeOldestFirst) {
  ASSERT_TRUE(Keep(2, 3, "b", 30, /*reference=*/2).ok());
  ASSERT_TRUE(Keep(1, 3, "a", 10, /*reference=*/1).ok());
  ASSERT_TRUE(Keep(3, 3, "c", 50, /*reference=*/1).ok());
  ASSERT_TRUE(Keep(1, 3, "z", 100, /*reference=*/3).ok());
  auto expired = inbound().ExpiredInboundParts(40, 10);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 2u);
  EXPECT_EQ((*expired)[0].front().key.reference, 1u);
  ASSERT_EQ((*expired)[0].size(), 2u) << "a set comes whole, late parts included";
  EXPECT_EQ((*expired)[0][1].text, "c");
  EXPECT_EQ((*expired)[1].front().key.reference, 2u);
  EXPECT_EQ(inbound().ExpiredInboundParts(40, 1)->size(), 1u);
  EXPECT_TRUE(inbound().ExpiredInboundParts(10, 10)->empty());
}

TEST_P(InboundRoutingConformance, NoPartIsKeptPastTheBound) {
  ASSERT_TRUE(Keep(1, 3, "a", 10, 1, /*max_pending=*/2).ok());
  ASSERT_TRUE(Keep(1, 3, "a", 10, 2, /*max_pending=*/2).ok());
  auto full = Keep(1, 3, "a", 10, 3, /*max_pending=*/2);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->kept);
  EXPECT_TRUE(full->parts.empty());
  EXPECT_EQ(*inbound().PendingInboundParts(), 2);
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(InboundRoutingConformance, Concern::kInbound);

}  // namespace deliverer::store::conformance
