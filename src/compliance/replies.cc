#include "compliance/replies.h"

namespace deliverer::compliance {
namespace {

const std::optional<std::string>& TextOf(const ReplyTexts& texts, ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kOptOut:
      return texts.opt_out;
    case ReplyKind::kOptIn:
      return texts.opt_in;
    case ReplyKind::kHelp:
      return texts.help;
  }
  return texts.help;
}

}  // namespace

std::string_view ToString(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kOptOut:
      return "opt_out";
    case ReplyKind::kOptIn:
      return "opt_in";
    case ReplyKind::kHelp:
      return "help";
  }
  return "";
}

std::string_view ClientRefOf(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kOptOut:
      return "opt_out_reply";
    case ReplyKind::kOptIn:
      return "opt_in_reply";
    case ReplyKind::kHelp:
      return "help_reply";
  }
  return "";
}

std::optional<ReplyKind> ReplyKindOf(KeywordAction action) {
  switch (action) {
    case KeywordAction::kOptOut:
    case KeywordAction::kOptOutAll:
      return ReplyKind::kOptOut;
    case KeywordAction::kOptIn:
      return ReplyKind::kOptIn;
    case KeywordAction::kHelp:
      return ReplyKind::kHelp;
    case KeywordAction::kNone:
    case KeywordAction::kReview:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> ReplyText(const ReplyPolicy& policy, std::string_view account,
                                     ReplyKind kind) {
  const std::optional<std::string>* text = &TextOf(policy.defaults, kind);
  if (auto it = policy.accounts.find(account); it != policy.accounts.end()) {
    if (const auto& own = TextOf(it->second, kind)) text = &own;
  }
  if (!*text || (*text)->empty()) return std::nullopt;
  return **text;
}

std::string ReplyAccount(std::string_view last_sender_account) {
  return std::string(last_sender_account.empty() ? kSystemAccount : last_sender_account);
}

}  // namespace deliverer::compliance
