// InboundStore: inbound messages with their effects in the same commit (suppressions, the
// compliance reply and its window; docs/reliability.md S11), who last wrote to a
// subscriber, and the inbound list.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class InboundConformance : public ConformanceTest {
 protected:
  // An opt-out reply from 12345 to +447911123456 for acme, created at `at_ms`, unless one
  // went out at or after `not_since_ms`.
  static ComplianceReply Reply(const std::string& id, int64_t at_ms, int64_t not_since_ms) {
    NewMessage m;
    m.id = id;
    m.account = "acme";
    m.from = "12345";
    m.to = "+447911123456";
    m.to_region = "GB";
    m.body = "You are unsubscribed.";
    m.priority = model::Priority::kHigh;
    m.ttl_seconds = 3600;
    m.client_ref = "opt_out_reply";
    m.created_at_ms = at_ms;
    m.compliance_reply = "opt_out";
    return ComplianceReply{std::move(m), not_since_ms};
  }
};

TEST_P(InboundConformance, InboundOptOutSuppressesAndOptInRemoves) {
  InboundRecord mo{.id = "mo1", .carrier = "sim-a", .from = "+447911123456", .to = "12345",
                   .body = "STOP", .at_ms = 10, .keyword_action = "opt_out"};
  ASSERT_TRUE(Inbound(mo, {.suppress = Suppression{"acme", "+447911123456", "stop_keyword", "mo", 10}}).ok());
  EXPECT_TRUE(*suppressions().IsSuppressed("acme", "+447911123456"));
  mo.id = "mo2";
  mo.body = "START";
  ASSERT_TRUE(Inbound(mo, {.lift = SuppressionLift{"acme", "+447911123456"}}).ok());
  EXPECT_FALSE(*suppressions().IsSuppressed("acme", "+447911123456"));
  auto audited = audit().ListAudit(AuditQuery{.account = "acme"});
  ASSERT_EQ(audited->size(), 2u);
  EXPECT_EQ((*audited)[0].action, "suppression.put");
  EXPECT_EQ((*audited)[0].correlation_id, "mo1");
  EXPECT_EQ((*audited)[1].action, "suppression.delete");
}

TEST_P(InboundConformance, OptInLiftsAGlobalEntryOnlyWhenAnMoMadeIt) {
  const std::string number = "+447911123456";
  ASSERT_TRUE(Put(Suppression{"", number, "stopall_keyword", "mo", 1}).ok());
  InboundRecord mo{.id = "mo1", .from = number, .to = "12345", .body = "START", .at_ms = 10,
                   .keyword_action = "opt_in"};
  ASSERT_TRUE(Inbound(mo, {.lift = SuppressionLift{"acme", number}}).ok());
  EXPECT_FALSE(*suppressions().IsSuppressed("acme", number)) << "the subscriber's own STOPALL is undone";

  ASSERT_TRUE(Put(Suppression{"", number, "legal hold", "cli", 2}).ok());
  mo.id = "mo2";
  ASSERT_TRUE(Inbound(mo, {.lift = SuppressionLift{"", number}}).ok());
  EXPECT_TRUE(*suppressions().IsSuppressed("other", number)) << "an operator's global entry stays";
}

TEST_P(InboundConformance, ComplianceReplyIsQueuedOncePerWindow) {
  InboundRecord mo{.id = "mo1", .from = "+447911123456", .to = "12345", .body = "STOP", .at_ms = 1000,
                   .keyword_action = "opt_out"};
  auto first = Inbound(mo, {.reply = Reply("r1", 1000, 0)});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->reply.has_value());
  EXPECT_EQ(first->reply->id, "r1");
  EXPECT_EQ(first->reply->to, "+447911123456");
  EXPECT_EQ(first->reply->priority, model::Priority::kHigh);
  EXPECT_EQ(StatusOf("r1"), MsgStatus::kQueued);
  EXPECT_EQ(messages().PendingCount(), 1);
  auto delivery_record = delivery().GetForDelivery("r1");
  ASSERT_TRUE(delivery_record.ok() && delivery_record->has_value());
  EXPECT_EQ((*delivery_record)->compliance_reply, "opt_out");
  EXPECT_EQ((*delivery_record)->body, "You are unsubscribed.");

  mo.id = "mo2";
  auto again = Inbound(mo, {.reply = Reply("r2", 2000, 1000)});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->reply.has_value()) << "one opt-out reply per subscriber and account per window";
  EXPECT_FALSE(messages().GetMessage("r2", false)->has_value());

  mo.id = "mo3";
  auto later = Inbound(mo, {.reply = Reply("r3", 3000, 1001)});
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->reply.has_value()) << "the window has passed";
  EXPECT_EQ(messages().PendingCount(), 2);
}

TEST_P(InboundConformance, RepliesOfAnotherKindOrAccountAreNotDeduplicated) {
  InboundRecord mo{.id = "mo1", .from = "+447911123456", .to = "12345", .at_ms = 1000};
  ASSERT_TRUE(Inbound(mo, {.reply = Reply("r1", 1000, 0)})->reply.has_value());
  ComplianceReply help = Reply("r2", 1001, 0);
  help.message.compliance_reply = "help";
  mo.id = "mo2";
  EXPECT_TRUE(Inbound(mo, {.reply = help})->reply.has_value());
  ComplianceReply other = Reply("r3", 1002, 0);
  other.message.account = "globex";
  mo.id = "mo3";
  EXPECT_TRUE(Inbound(mo, {.reply = other})->reply.has_value());
}

TEST_P(InboundConformance, InboundListIsNewestFirstAndFiltersByFlag) {
  for (int i = 0; i < 5; ++i) {
    InboundRecord mo{.id = "mo" + std::to_string(i), .from = "+447911123456", .to = "12345",
                     .body = i % 2 == 0 ? "STOP PLEASE" : "hello", .at_ms = 100 + i,
                     .keyword_action = i % 2 == 0 ? "review" : ""};
    ASSERT_TRUE(Inbound(mo, {}).ok());
  }
  auto review = inbound().ListInbound(InboundQuery{.keyword_action = "review", .limit = 2});
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 2u);
  EXPECT_EQ((*review)[0].id, "mo4");
  EXPECT_EQ((*review)[0].body, "STOP PLEASE");
  EXPECT_EQ((*review)[1].id, "mo2");
  auto rest = inbound().ListInbound(
      InboundQuery{.keyword_action = "review", .limit = 2, .after = std::make_pair(int64_t{102}, std::string("mo2"))});
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, "mo0");
  auto plain = inbound().ListInbound(InboundQuery{.keyword_action = "", .limit = 10});
  EXPECT_EQ(plain->size(), 2u);
  EXPECT_EQ(inbound().ListInbound(InboundQuery{.limit = 10})->size(), 5u);
}

TEST_P(InboundConformance, TheSameMoTwiceIsKeptOnce) {
  InboundRecord mo{.id = "mo1", .carrier = "sim-a", .from = "+447911123456", .to = "12345", .body = "hi",
                   .at_ms = 10};
  ASSERT_TRUE(Inbound(mo).ok());
  ASSERT_TRUE(Inbound(mo).ok());
  EXPECT_EQ(inbound().ListInbound(InboundQuery{})->size(), 1u);
}

TEST_P(InboundConformance, LastSenderAccountIgnoresComplianceReplies) {
  InboundRecord mo{.id = "mo1", .from = "+447911123456", .to = "Deliverer", .at_ms = 1000};
  ComplianceReply reply = Reply("r1", clock_.NowUnixMillis(), 0);
  reply.message.from = "Deliverer";
  reply.message.account = "_system";
  ASSERT_TRUE(Inbound(mo, {.reply = reply})->reply.has_value());
  EXPECT_EQ(*inbound().LastSenderAccount("+447911123456", "Deliverer"), "");
}

TEST_P(InboundConformance, LastSenderAccountFindsWhoWroteToTheSubscriberLast) {
  Queue("x1");
  EXPECT_EQ(*inbound().LastSenderAccount("+447911123456", "Deliverer"), "acme");
  EXPECT_EQ(*inbound().LastSenderAccount("+447911123456", "Other"), "");
  clock_.Advance(Millis(10));
  NewMessage later = Message("x2");
  later.account = "globex";
  ASSERT_TRUE(Insert(later).ok());
  EXPECT_EQ(*inbound().LastSenderAccount("+447911123456", "Deliverer"), "globex");
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(InboundConformance, Concern::kInbound);

}  // namespace deliverer::store::conformance
