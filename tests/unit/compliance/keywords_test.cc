// docs/reliability.md S11: the opt-out keyword table.
#include "compliance/keywords.h"

#include <gtest/gtest.h>

namespace deliverer::compliance {
namespace {

struct Row {
  const char* body;
  KeywordAction expected;
};

class S11_KeywordTable : public ::testing::TestWithParam<Row> {};

TEST_P(S11_KeywordTable, Classifies) {
  const KeywordClassifier classifier({"arret", "Halt"});
  EXPECT_EQ(classifier.Classify(GetParam().body), GetParam().expected) << "body: [" << GetParam().body << "]";
}

INSTANTIATE_TEST_SUITE_P(
    Rows, S11_KeywordTable,
    ::testing::Values(
        Row{"STOP", KeywordAction::kOptOut}, Row{"stop", KeywordAction::kOptOut},
        Row{"Stop", KeywordAction::kOptOut}, Row{"  STOP  ", KeywordAction::kOptOut},
        Row{"\tstop\n", KeywordAction::kOptOut}, Row{"STOP.", KeywordAction::kOptOut},
        Row{"Stop!", KeywordAction::kOptOut}, Row{"STOPALL", KeywordAction::kOptOutAll},
        Row{" stopall. ", KeywordAction::kOptOutAll}, Row{"STOPALL PLEASE", KeywordAction::kReview},
        Row{"unsubscribe", KeywordAction::kOptOut}, Row{"Cancel", KeywordAction::kOptOut},
        Row{"END", KeywordAction::kOptOut}, Row{"quit", KeywordAction::kOptOut},
        Row{"REVOKE", KeywordAction::kOptOut}, Row{"optout", KeywordAction::kOptOut},
        Row{"OPT-OUT", KeywordAction::kOptOut}, Row{"opt-out", KeywordAction::kOptOut},
        Row{"\xC2\xA0STOP\xC2\xA0", KeywordAction::kOptOut}, Row{"ARRET", KeywordAction::kOptOut},
        Row{"halt", KeywordAction::kOptOut},
        Row{"START", KeywordAction::kOptIn}, Row{"unstop", KeywordAction::kOptIn},
        Row{"Yes", KeywordAction::kOptIn}, Row{"yes!", KeywordAction::kOptIn},
        Row{"HELP", KeywordAction::kHelp}, Row{"info", KeywordAction::kHelp},
        Row{"help?", KeywordAction::kHelp},
        Row{"STOP PLEASE", KeywordAction::kReview}, Row{"please stop", KeywordAction::kReview},
        Row{"stop sending me these", KeywordAction::kReview},
        Row{"Please, STOP!", KeywordAction::kReview}, Row{"opt-out now", KeywordAction::kReview},
        Row{"STOPPED", KeywordAction::kNone}, Row{"nonstop", KeywordAction::kNone},
        Row{"Hello", KeywordAction::kNone}, Row{"", KeywordAction::kNone},
        Row{"   ", KeywordAction::kNone}, Row{"STOP STOP", KeywordAction::kReview},
        Row{"S T O P", KeywordAction::kNone}, Row{"yes please", KeywordAction::kNone}));

TEST(KeywordClassifierTest, ExtrasAreNotNeededForTheDefaults) {
  const KeywordClassifier classifier;
  EXPECT_EQ(classifier.Classify("stop"), KeywordAction::kOptOut);
  EXPECT_EQ(classifier.Classify("arret"), KeywordAction::kNone);
}

TEST(KeywordClassifierTest, ExtrasOptOutForTheAccountAndFlagLongerMessages) {
  const KeywordClassifier classifier({" Arret ", "desabonner"});
  EXPECT_EQ(classifier.Classify("ARRET!"), KeywordAction::kOptOut);
  EXPECT_EQ(classifier.Classify("Desabonner"), KeywordAction::kOptOut);
  EXPECT_EQ(classifier.Classify("arret svp"), KeywordAction::kReview);
  EXPECT_EQ(classifier.Classify("stopall"), KeywordAction::kOptOutAll) << "extras never change STOPALL";
}

TEST(KeywordClassifierTest, FlagsAreTheStoredNames) {
  EXPECT_EQ(ToString(KeywordAction::kNone), "");
  EXPECT_EQ(ToString(KeywordAction::kOptOut), "opt_out");
  EXPECT_EQ(ToString(KeywordAction::kOptOutAll), "opt_out_all");
  EXPECT_EQ(ToString(KeywordAction::kOptIn), "opt_in");
  EXPECT_EQ(ToString(KeywordAction::kHelp), "help");
  EXPECT_EQ(ToString(KeywordAction::kReview), "review");
}

TEST(CheckExtraKeywordTest, AcceptsOneWord) {
  EXPECT_TRUE(CheckExtraKeyword("arret").ok());
  EXPECT_TRUE(CheckExtraKeyword("OPT-OUT2").ok());
  EXPECT_TRUE(CheckExtraKeyword(std::string(32, 'X')).ok());
}

TEST(CheckExtraKeywordTest, RefusesWhatCouldNeverMatchOrWouldShadowAnotherKeyword) {
  for (std::string_view bad : {"", "stop now", "arrêt", "a.b", "x\n"}) {
    Status s = CheckExtraKeyword(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "invalid_config");
  }
  EXPECT_FALSE(CheckExtraKeyword(std::string(33, 'X')).ok());
  for (std::string_view shadowing : {"start", "UNSTOP", "Yes", "help", "INFO"}) {
    EXPECT_FALSE(CheckExtraKeyword(shadowing).ok()) << shadowing;
  }
}

}  // namespace
}  // namespace deliverer::compliance
