#pragma once
// The confirmations Deliverer sends back to a subscriber who texted a keyword
// (docs/reliability.md S11: at most one confirmation a day of each kind, within 5 minutes,
// with a configurable text; HELP/INFO answered). Pure, thread-safe.
//
// Which text: the account's override when it has one for that kind, else the default;
// an empty text means "send no reply of that kind". Which account: the one that last
// wrote to the subscriber from the number the MO went to, else kSystemAccount. How
// often: at most one reply per (account, subscriber, kind) per kReplyWindowMs; the store
// enforces it in the commit that records the MO (store::InboundEffects).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "compliance/keywords.h"

namespace deliverer::compliance {

enum class ReplyKind : uint8_t { kOptOut, kOptIn, kHelp };
// "opt_out", "opt_in", "help": stored with the reply message (messages.compliance_reply).
std::string_view ToString(ReplyKind kind);
// "opt_out_reply", "opt_in_reply", "help_reply": the reply's client_ref, which is how a
// producer reading GET /v1/messages tells a reply from its own traffic.
std::string_view ClientRefOf(ReplyKind kind);
// The reply an action asks for: STOP and STOPALL → kOptOut, START → kOptIn, HELP → kHelp;
// review and plain messages get none.
std::optional<ReplyKind> ReplyKindOf(KeywordAction action);

// Replies for an MO that no account ever wrote to go out under this account, so they are
// stored, routed and visible (to admin keys) like any message. `deliverer keys create`
// refuses it: no producer can own it.
inline constexpr std::string_view kSystemAccount = "_system";

// One reply per (account, subscriber, kind) within this window: a second STOP the same
// day changes nothing and gets no second confirmation.
inline constexpr int64_t kReplyWindowMs = 24LL * 3600 * 1000;
// A reply that could not go out within this long is expired rather than sent late.
inline constexpr int kReplyTtlSeconds = 3600;

inline constexpr std::string_view kDefaultOptOutReply =
    "You are unsubscribed and will receive no more messages. Reply START to resubscribe.";
inline constexpr std::string_view kDefaultOptInReply =
    "You are subscribed again. Reply STOP to unsubscribe.";
inline constexpr std::string_view kDefaultHelpReply =
    "Reply STOP to unsubscribe, START to resubscribe.";

// Texts by kind; nullopt = not set here (an account's table inherits the default).
struct ReplyTexts {
  std::optional<std::string> opt_out;
  std::optional<std::string> opt_in;
  std::optional<std::string> help;
};

struct ReplyPolicy {
  ReplyTexts defaults{std::string(kDefaultOptOutReply), std::string(kDefaultOptInReply),
                      std::string(kDefaultHelpReply)};
  std::map<std::string, ReplyTexts, std::less<>> accounts;  // per-account overrides
};

// The text to send `account`'s subscriber for `kind`; nullopt when that reply is disabled
// (an empty text).
std::optional<std::string> ReplyText(const ReplyPolicy& policy, std::string_view account,
                                     ReplyKind kind);

// The account a reply goes out under: `last_sender_account`, or kSystemAccount when no
// account wrote to the subscriber.
std::string ReplyAccount(std::string_view last_sender_account);

// A reply of the same kind created at or after this moment suppresses a new one.
inline int64_t ReplyWindowStart(int64_t now_ms) { return now_ms - kReplyWindowMs + 1; }

}  // namespace deliverer::compliance
