#pragma once
// What an inbound (MO) message asks for (docs/api.md "Opt-outs and keyword replies",
// docs/reliability.md S11). Pure, thread-safe.
//
// The whole body, trimmed of white space and of trailing punctuation (".", "!", "?", ",",
// ";", ":") and case-folded (ASCII), is compared with the keyword lists:
//   opt-out      STOP, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, OPT-OUT + extras
//   opt-out-all  STOPALL: the same, for every account (the global list)
//   opt-in       START, UNSTOP, YES
//   help         HELP, INFO
// A longer message that contains an opt-out keyword as a word ("STOP PLEASE", "please
// stop") is flagged for review and NOT acted on: only an unambiguous single keyword
// changes a suppression. Anything else is a plain inbound message.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace deliverer::compliance {

enum class KeywordAction : uint8_t { kNone, kOptOut, kOptOutAll, kOptIn, kHelp, kReview };
// "", "opt_out", "opt_out_all", "opt_in", "help", "review": the flag stored with the MO.
std::string_view ToString(KeywordAction action);

// A configured extra opt-out keyword must be one word of ASCII letters, digits and '-'
// (at most 32), and must not be an opt-in or help keyword (which it would shadow).
// Error code "invalid_config" with a reason for the operator.
Status CheckExtraKeyword(std::string_view keyword);

class KeywordClassifier {
 public:
  // `extra_opt_out`: configured additions, any case (see CheckExtraKeyword).
  explicit KeywordClassifier(std::vector<std::string> extra_opt_out = {});

  KeywordAction Classify(std::string_view body) const;

 private:
  bool IsOptOut(std::string_view upper_word) const;

  std::vector<std::string> opt_out_;  // upper-case, STOPALL included
};

}  // namespace deliverer::compliance
