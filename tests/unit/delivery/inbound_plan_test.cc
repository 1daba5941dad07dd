// docs/reliability.md S11: what each keyword MO changes, and the reply it asks for.
#include "delivery/inbound_plan.h"

#include <gtest/gtest.h>

namespace deliverer::delivery {
namespace {

using compliance::KeywordAction;

const carriers::CarrierInbound kMo{"+447911123456", "12345", "STOP"};

InboundContext Context(std::string last_sender = "acme") {
  return InboundContext{std::move(last_sender), std::string("GB"), 5'000, "reply-1"};
}

TEST(PlanInboundTest, StopSuppressesForTheLastSenderAndConfirms) {
  const store::InboundEffects fx = PlanInbound(KeywordAction::kOptOut, kMo, Context(), {});
  ASSERT_TRUE(fx.suppress.has_value());
  EXPECT_EQ(fx.suppress->account, "acme");
  EXPECT_EQ(fx.suppress->number, "+447911123456");
  EXPECT_EQ(fx.suppress->reason, "stop_keyword");
  EXPECT_EQ(fx.suppress->source, "mo");
  EXPECT_EQ(fx.suppress->created_at_ms, 5'000);
  EXPECT_FALSE(fx.lift.has_value());
  ASSERT_TRUE(fx.reply.has_value());
  const store::NewMessage& m = fx.reply->message;
  EXPECT_EQ(m.id, "reply-1");
  EXPECT_EQ(m.account, "acme");
  EXPECT_EQ(m.from, "12345") << "from the number the MO went to";
  EXPECT_EQ(m.to, "+447911123456");
  EXPECT_EQ(m.to_region, "GB");
  EXPECT_EQ(m.body, std::string(compliance::kDefaultOptOutReply));
  EXPECT_EQ(m.segments, 1);
  EXPECT_EQ(m.priority, model::Priority::kHigh);
  EXPECT_EQ(m.ttl_seconds, compliance::kReplyTtlSeconds);
  EXPECT_EQ(m.client_ref, "opt_out_reply");
  EXPECT_EQ(m.compliance_reply, "opt_out");
  EXPECT_EQ(m.created_at_ms, 5'000);
  EXPECT_EQ(fx.reply->not_since_ms, compliance::ReplyWindowStart(5'000));
}

TEST(PlanInboundTest, StopWithoutASenderGoesOnTheGlobalListAndRepliesAsTheSystem) {
  const store::InboundEffects fx = PlanInbound(KeywordAction::kOptOut, kMo, Context(""), {});
  ASSERT_TRUE(fx.suppress.has_value());
  EXPECT_EQ(fx.suppress->account, "");
  ASSERT_TRUE(fx.reply.has_value());
  EXPECT_EQ(fx.reply->message.account, std::string(compliance::kSystemAccount));
}

TEST(PlanInboundTest, StopAllGoesOnTheGlobalListEvenWithASender) {
  const store::InboundEffects fx = PlanInbound(KeywordAction::kOptOutAll, kMo, Context(), {});
  ASSERT_TRUE(fx.suppress.has_value());
  EXPECT_EQ(fx.suppress->account, "") << "STOPALL: every account";
  EXPECT_EQ(fx.suppress->reason, "stopall_keyword");
  ASSERT_TRUE(fx.reply.has_value());
  EXPECT_EQ(fx.reply->message.account, "acme")
      << "confirmed by the account the subscriber answered";
  EXPECT_EQ(fx.reply->message.compliance_reply, "opt_out");
}

TEST(PlanInboundTest, StartLiftsAndConfirms) {
  const store::InboundEffects fx = PlanInbound(KeywordAction::kOptIn, kMo, Context(), {});
  EXPECT_FALSE(fx.suppress.has_value());
  ASSERT_TRUE(fx.lift.has_value());
  EXPECT_EQ(fx.lift->account, "acme");
  EXPECT_EQ(fx.lift->number, "+447911123456");
  ASSERT_TRUE(fx.reply.has_value());
  EXPECT_EQ(fx.reply->message.body, std::string(compliance::kDefaultOptInReply));
  EXPECT_EQ(fx.reply->message.client_ref, "opt_in_reply");
}

TEST(PlanInboundTest, HelpOnlyAnswers) {
  const store::InboundEffects fx = PlanInbound(KeywordAction::kHelp, kMo, Context(), {});
  EXPECT_FALSE(fx.suppress.has_value());
  EXPECT_FALSE(fx.lift.has_value());
  ASSERT_TRUE(fx.reply.has_value());
  EXPECT_EQ(fx.reply->message.body, std::string(compliance::kDefaultHelpReply));
  EXPECT_EQ(fx.reply->message.compliance_reply, "help");
}

TEST(PlanInboundTest, ReviewAndPlainMessagesChangeNothing) {
  for (KeywordAction action : {KeywordAction::kReview, KeywordAction::kNone}) {
    const store::InboundEffects fx = PlanInbound(action, kMo, Context(), {});
    EXPECT_FALSE(fx.suppress.has_value());
    EXPECT_FALSE(fx.lift.has_value());
    EXPECT_FALSE(fx.reply.has_value());
  }
}

TEST(PlanInboundTest, TheAccountsTextIsUsedAndAnEmptyOneSendsNothing) {
  compliance::ReplyPolicy policy;
  policy.accounts["acme"] =
      compliance::ReplyTexts{std::string("Acme: Arrêt confirmé."), std::nullopt, std::string()};
  const store::InboundEffects stop = PlanInbound(KeywordAction::kOptOut, kMo, Context(), policy);
  ASSERT_TRUE(stop.reply.has_value());
  EXPECT_EQ(stop.reply->message.body, "Acme: Arrêt confirmé.");
  EXPECT_EQ(stop.reply->message.encoding, model::Encoding::kUcs2);
  const store::InboundEffects help = PlanInbound(KeywordAction::kHelp, kMo, Context(), policy);
  EXPECT_FALSE(help.reply.has_value());
  EXPECT_TRUE(PlanInbound(KeywordAction::kHelp, kMo, Context("globex"), policy).reply.has_value());
}

TEST(PlanInboundTest, NoReplyToANumberThatCannotBeRouted) {
  InboundContext context = Context();
  context.subscriber_region.reset();
  const store::InboundEffects fx = PlanInbound(KeywordAction::kOptOut, kMo, context, {});
  EXPECT_TRUE(fx.suppress.has_value()) << "the opt-out still holds";
  EXPECT_FALSE(fx.reply.has_value());
  const carriers::CarrierInbound no_recipient{"+447911123456", "", "STOP"};
  EXPECT_FALSE(PlanInbound(KeywordAction::kOptOut, no_recipient, Context(), {}).reply.has_value());
}

}  // namespace
}  // namespace deliverer::delivery
