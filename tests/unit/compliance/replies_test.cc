// docs/reliability.md S11: which confirmation a keyword MO gets, under which account, how often.
#include "compliance/replies.h"

#include <gtest/gtest.h>

namespace deliverer::compliance {
namespace {

ReplyPolicy PolicyWithOverrides() {
  ReplyPolicy policy;
  policy.accounts["acme"] =
      ReplyTexts{std::string("Acme: you are out."), std::nullopt, std::string()};
  policy.accounts["globex"] =
      ReplyTexts{std::nullopt, std::string("Globex: welcome back."), std::nullopt};
  return policy;
}

TEST(ReplyTextTest, DefaultsAnswerEveryKind) {
  const ReplyPolicy policy;
  EXPECT_EQ(ReplyText(policy, "acme", ReplyKind::kOptOut), std::string(kDefaultOptOutReply));
  EXPECT_EQ(ReplyText(policy, "acme", ReplyKind::kOptIn), std::string(kDefaultOptInReply));
  EXPECT_EQ(ReplyText(policy, "acme", ReplyKind::kHelp), std::string(kDefaultHelpReply));
  EXPECT_EQ(ReplyText(policy, kSystemAccount, ReplyKind::kOptOut),
            std::string(kDefaultOptOutReply));
}

TEST(ReplyTextTest, AnAccountOverridesOnlyWhatItSets) {
  const ReplyPolicy policy = PolicyWithOverrides();
  EXPECT_EQ(ReplyText(policy, "acme", ReplyKind::kOptOut), "Acme: you are out.");
  EXPECT_EQ(ReplyText(policy, "acme", ReplyKind::kOptIn), std::string(kDefaultOptInReply));
  EXPECT_EQ(ReplyText(policy, "globex", ReplyKind::kOptOut), std::string(kDefaultOptOutReply));
  EXPECT_EQ(ReplyText(policy, "globex", ReplyKind::kOptIn), "Globex: welcome back.");
  EXPECT_EQ(ReplyText(policy, "initech", ReplyKind::kOptIn), std::string(kDefaultOptInReply));
}

TEST(ReplyTextTest, AnEmptyTextDisablesThatReply) {
  ReplyPolicy policy = PolicyWithOverrides();
  EXPECT_EQ(ReplyText(policy, "acme", ReplyKind::kHelp), std::nullopt)
      << "acme turned HELP replies off";
  EXPECT_EQ(ReplyText(policy, "globex", ReplyKind::kHelp), std::string(kDefaultHelpReply));
  policy.defaults.opt_in = std::string();
  EXPECT_EQ(ReplyText(policy, "initech", ReplyKind::kOptIn), std::nullopt);
  EXPECT_EQ(ReplyText(policy, "globex", ReplyKind::kOptIn), "Globex: welcome back.")
      << "an account's own text still goes out";
}

TEST(ReplyKindTest, KeywordsThatChangeOrAskGetAReply) {
  EXPECT_EQ(ReplyKindOf(KeywordAction::kOptOut), ReplyKind::kOptOut);
  EXPECT_EQ(ReplyKindOf(KeywordAction::kOptOutAll), ReplyKind::kOptOut);
  EXPECT_EQ(ReplyKindOf(KeywordAction::kOptIn), ReplyKind::kOptIn);
  EXPECT_EQ(ReplyKindOf(KeywordAction::kHelp), ReplyKind::kHelp);
  EXPECT_EQ(ReplyKindOf(KeywordAction::kReview), std::nullopt) << "STOP PLEASE is not acted on";
  EXPECT_EQ(ReplyKindOf(KeywordAction::kNone), std::nullopt);
}

TEST(ReplyKindTest, NamesAndClientRefs) {
  EXPECT_EQ(ToString(ReplyKind::kOptOut), "opt_out");
  EXPECT_EQ(ToString(ReplyKind::kOptIn), "opt_in");
  EXPECT_EQ(ToString(ReplyKind::kHelp), "help");
  EXPECT_EQ(ClientRefOf(ReplyKind::kOptOut), "opt_out_reply");
  EXPECT_EQ(ClientRefOf(ReplyKind::kOptIn), "opt_in_reply");
  EXPECT_EQ(ClientRefOf(ReplyKind::kHelp), "help_reply");
}

TEST(ReplyAccountTest, TheLastSenderElseTheSystemAccount) {
  EXPECT_EQ(ReplyAccount("acme"), "acme");
  EXPECT_EQ(ReplyAccount(""), std::string(kSystemAccount));
}

TEST(ReplyWindowTest, OneReplyPerDay) {
  const int64_t now = 10 * kReplyWindowMs;
  const int64_t start = ReplyWindowStart(now);
  // A reply at `start` or later blocks a new one; one a full window ago does not.
  EXPECT_EQ(now - start, kReplyWindowMs - 1);
  EXPECT_LT(now - kReplyWindowMs, start);
  EXPECT_EQ(kReplyWindowMs, 24LL * 3600 * 1000);
}

}  // namespace
}  // namespace deliverer::compliance
