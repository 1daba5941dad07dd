// [compliance] (docs/reliability.md S11): extra opt-out keywords and reply texts, per account too.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "unit/config/load_helpers.h"

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

TEST(ConfigComplianceTest, DefaultsAnswerEveryKeyword) {
  const ComplianceConfig c = Load("").compliance;
  EXPECT_TRUE(c.opt_out_keywords.empty());
  EXPECT_EQ(c.replies.opt_out_reply,
            "You are unsubscribed and will receive no more messages. Reply START to resubscribe.");
  EXPECT_EQ(c.replies.opt_in_reply, "You are subscribed again. Reply STOP to unsubscribe.");
  EXPECT_EQ(c.replies.help_reply, "Reply STOP to unsubscribe, START to resubscribe.");
  EXPECT_TRUE(c.accounts.empty());
}

TEST(ConfigComplianceTest, ReadsKeywordsTextsAndAccountOverrides) {
  const ComplianceConfig c = Load(R"([compliance]
opt_out_keywords = ["arret", "Desabonner"]
opt_out_reply = "Bye."
help_reply = ""

[compliance.accounts.acme]
opt_in_reply = "Acme: welcome back."

[compliance.accounts."big bank"]
opt_out_reply = ""
)")
                                 .compliance;
  EXPECT_EQ(c.opt_out_keywords, (std::vector<std::string>{"arret", "Desabonner"}));
  EXPECT_EQ(c.replies.opt_out_reply, "Bye.");
  EXPECT_EQ(c.replies.help_reply, "") << "an empty text disables the reply";
  EXPECT_EQ(c.replies.opt_in_reply, "You are subscribed again. Reply STOP to unsubscribe.");
  ASSERT_EQ(c.accounts.size(), 2u);
  const ComplianceReplies& acme = c.accounts.at("acme");
  EXPECT_EQ(acme.opt_in_reply, "Acme: welcome back.");
  EXPECT_EQ(acme.opt_out_reply, std::nullopt) << "unset keys inherit [compliance]";
  EXPECT_EQ(acme.help_reply, std::nullopt);
  EXPECT_EQ(c.accounts.at("big bank").opt_out_reply, "");
}

TEST(ConfigComplianceTest, AnAccountTableAloneIsEnough) {
  const ComplianceConfig c =
      Load("[compliance.accounts.acme]\nhelp_reply = \"Acme help\"\n").compliance;
  EXPECT_EQ(c.accounts.at("acme").help_reply, "Acme help");
  EXPECT_EQ(c.replies.help_reply, "Reply STOP to unsubscribe, START to resubscribe.");
}

TEST(ConfigComplianceTest, RefusesKeywordsThatCannotWork) {
  EXPECT_EQ(ErrorOf("[compliance]\nopt_out_keywords = [\"arret\", \"stop now\"]\n"),
            "deliverer.toml:2:30: [compliance] opt_out_keywords: an opt-out keyword is one word of "
            "1 to 32 "
            "letters, digits or '-'");
  EXPECT_NE(
      ErrorOf("[compliance]\nopt_out_keywords = [\"Start\"]\n").find("opt-in or help keyword"),
      std::string::npos);
  EXPECT_NE(ErrorOf("[compliance]\nopt_out_keywords = \"arret\"\n").find("an array of strings"),
            std::string::npos);
}

TEST(ConfigComplianceTest, RefusesTextsThatAreTooLongOrNotText) {
  const std::string eleven_segments(153 * 10 + 1, 'a');
  EXPECT_EQ(
      ErrorOf("[compliance]\nopt_out_reply = \"" + eleven_segments + "\"\n"),
      "deliverer.toml:2:17: [compliance] opt_out_reply must be a text of at most 10 segments");
  EXPECT_TRUE(
      LoadString("[compliance]\nopt_out_reply = \"" + std::string(1530, 'a') + "\"\n", "x").ok());
  EXPECT_EQ(ErrorOf("[compliance.accounts.acme]\nhelp_reply = 3\n"),
            "deliverer.toml:2:14: [compliance.accounts.acme] help_reply must be a string");
}

TEST(ConfigComplianceTest, RefusesUnknownKeys) {
  EXPECT_EQ(ErrorOf("[compliance]\nstop_reply = \"x\"\n"),
            "deliverer.toml:2:1: unknown key 'stop_reply' in [compliance]");
  EXPECT_EQ(ErrorOf("[compliance.accounts.acme]\nopt_out_keywords = []\n"),
            "deliverer.toml:2:1: unknown key 'opt_out_keywords' in [compliance.accounts.acme]");
  EXPECT_NE(ErrorOf("[compliance]\naccounts = 1\n").find("accounts must be a table"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[compliance]\naccounts = { acme = 1 }\n")
                .find("must be a table named after an account"),
            std::string::npos);
}

TEST(ConfigComplianceTest, DescribeShowsTheResolvedTexts) {
  const std::string text =
      Describe(Load("[compliance]\nopt_out_keywords = [\"arret\"]\nhelp_reply = \"\"\n"
                    "[compliance.accounts.acme]\nopt_in_reply = \"Acme back\"\n"));
  for (std::string_view expected :
       {"[compliance]\nopt_out_keywords = [\"arret\"]\n",
        "opt_out_reply = \"You are unsubscribed and will receive no more messages. Reply START to "
        "resubscribe.\"\n",
        "help_reply = \"\"\n", "[compliance.accounts.\"acme\"]\nopt_in_reply = \"Acme back\"\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
}

}  // namespace
}  // namespace deliverer::config
