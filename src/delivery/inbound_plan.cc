#include "delivery/inbound_plan.h"

#include "text/text.h"

namespace deliverer::delivery {
namespace {

using compliance::KeywordAction;

std::optional<store::ComplianceReply> PlanReply(KeywordAction action,
                                                const carriers::CarrierInbound& mo,
                                                const InboundContext& context,
                                                const compliance::ReplyPolicy& policy) {
  const std::optional<compliance::ReplyKind> kind = compliance::ReplyKindOf(action);
  if (!kind || !context.subscriber_region || mo.to.empty()) return std::nullopt;
  const std::string account = compliance::ReplyAccount(context.last_sender_account);
  std::optional<std::string> body = compliance::ReplyText(policy, account, *kind);
  if (!body) return std::nullopt;
  auto count = text::CountSegments(*body);
  if (!count.ok()) return std::nullopt;
  store::NewMessage m;
  m.id = context.reply_id;
  m.account = account;
  m.key_id = "compliance";
  m.from = mo.to;
  m.to = mo.from;
  m.to_region = *context.subscriber_region;
  m.body = std::move(*body);
  m.priority = model::Priority::kHigh;  // ahead of bulk traffic queued for the subscriber
  m.encoding = count->encoding;
  m.segments = count->segments;
  m.ttl_seconds = compliance::kReplyTtlSeconds;
  m.client_ref = std::string(compliance::ClientRefOf(*kind));
  m.created_at_ms = context.now_ms;
  m.compliance_reply = std::string(compliance::ToString(*kind));
  return store::ComplianceReply{std::move(m), compliance::ReplyWindowStart(context.now_ms)};
}

store::Suppression Suppress(std::string account, const carriers::CarrierInbound& mo,
                            std::string_view reason, int64_t now_ms) {
  return store::Suppression{std::move(account), mo.from, std::string(reason), "mo", now_ms};
}

}  // namespace

store::InboundEffects PlanInbound(KeywordAction action, const carriers::CarrierInbound& mo,
                                  const InboundContext& context,
                                  const compliance::ReplyPolicy& policy) {
  store::InboundEffects effects;
  switch (action) {
    case KeywordAction::kOptOut:
      effects.suppress = Suppress(context.last_sender_account, mo, kStopReason, context.now_ms);
      break;
    case KeywordAction::kOptOutAll:
      effects.suppress = Suppress("", mo, kStopAllReason, context.now_ms);
      break;
    case KeywordAction::kOptIn:
      effects.lift = store::SuppressionLift{context.last_sender_account, mo.from};
      break;
    case KeywordAction::kHelp:
    case KeywordAction::kReview:
    case KeywordAction::kNone:
      break;
  }
  effects.reply = PlanReply(action, mo, context, policy);
  return effects;
}

}  // namespace deliverer::delivery
