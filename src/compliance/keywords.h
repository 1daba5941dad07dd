#pragma once
// What an inbound (MO) message asks for (api.md "Suppressions", reliability.md S11). Pure,
// thread-safe.
//
// The whole body, trimmed of white space and of trailing punctuation (".", "!", "?", ",",
// ";", ":") and case-folded (ASCII), is compared with the keyword lists:
//   opt-out  STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, OPT-OUT + extras
//   opt-in   START, UNSTOP, YES
//   help     HELP, INFO
// A longer message that contains an opt-out keyword as a word ("STOP PLEASE", "please
// stop") is flagged for review and NOT acted on: only an unambiguous single keyword
// changes a suppression. Anything else is a plain inbound message.
#include <string>
#include <string_view>
#include <vector>

namespace deliverer::compliance {

enum class KeywordAction : uint8_t { kNone, kOptOut, kOptIn, kHelp, kReview };
std::string_view ToString(KeywordAction action);  // "", "opt_out", "opt_in", "help", "review"

class KeywordClassifier {
 public:
  // `extra_opt_out`: configured additions, any case.
  explicit KeywordClassifier(std::vector<std::string> extra_opt_out = {});

  KeywordAction Classify(std::string_view body) const;

 private:
  bool IsOptOut(std::string_view upper_word) const;

  std::vector<std::string> opt_out_;  // upper-case
};

}  // namespace deliverer::compliance
