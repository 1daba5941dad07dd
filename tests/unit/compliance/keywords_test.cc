// reliability.md S11: the opt-out keyword table.
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
        Row{"Stop!", KeywordAction::kOptOut}, Row{"STOPALL", KeywordAction::kOptOut},
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

}  // namespace
}  // namespace deliverer::compliance
