// The delivery engine: inbound (MO) messages and what their keywords change
// (docs/api.md "Opt-outs and keyword replies", docs/reliability.md S11; the decisions are in
// inbound_plan.h).
#include <boost/asio/post.hpp>

#include "common/ids.h"
#include "common/log.h"
#include "common/mask.h"
#include "delivery/engine.h"
#include "delivery/inbound_plan.h"
#include "validation/numbering.h"

namespace deliverer::delivery {

namespace {

bool ChangesSomething(compliance::KeywordAction action) {
  return action != compliance::KeywordAction::kNone && action != compliance::KeywordAction::kReview;
}

std::string ActionLabel(compliance::KeywordAction action) {
  const std::string_view name = compliance::ToString(action);
  return name.empty() ? "none" : std::string(name);
}

}  // namespace

void Engine::OnInbound(const std::string& carrier, carriers::CarrierInbound inbound,
                       carriers::Ack ack) {
  if (inbound.part) return KeepPart(carrier, std::move(inbound), std::move(ack));
  RecordMo(carrier, std::move(inbound), std::nullopt, std::move(ack));
}

// The MO, its suppression change, its reply and its inbound webhook are one commit, and
// the carrier's ack waits for it (R10): a crash before the commit loses nothing the
// carrier will not send again; after it, start-up recovery republishes the reply if it
// was not handed over, and the dispatcher sends the webhook from the outbox.
void Engine::RecordMo(const std::string& carrier, carriers::CarrierInbound inbound,
                      std::optional<store::InboundPartsKey> consumes, carriers::Ack ack) {
  const int64_t now_ms = clock_.NowUnixMillis();
  const compliance::KeywordAction action = keywords_.Classify(inbound.text);
  const config::NumberConfig* number = config::FindNumber(options_.numbers, inbound.to);
  store::InboundRecord record{NewUuidV7(now_ms),
                              carrier,
                              inbound.from,
                              inbound.to,
                              inbound.text,
                              now_ms,
                              std::string(compliance::ToString(action)),
                              number != nullptr ? number->account : std::string()};
  auto effects = EffectsOf(action, inbound, now_ms);
  if (!effects.ok()) {
    // Unacknowledged: the carrier sends the MO again, rather than it landing on the wrong list.
    log::WarnFor("delivery", record.id, "cannot read who last wrote to the subscriber: {}",
                 effects.error().code);
    return ack(false);
  }
  if (action != compliance::KeywordAction::kNone) {
    log::InfoFor("delivery", record.id, "inbound {} from {} via {}", compliance::ToString(action),
                 MaskNumber(inbound.from), carrier);
  }
  if (number != nullptr) {
    effects->forward_url = number->inbound_url;
    effects->forward_smpp = HasSmppReceivers(number->account, now_ms);
  }
  effects->consumes = std::move(consumes);
  const bool forwards = !effects->forward_url.empty();
  inbound_store_.RecordInbound(
      std::move(record), std::move(*effects),
      [this, action, forwards, ack = std::move(ack)](Result<store::InboundOutcome> result) {
        ack(result.ok());  // deliver_sm_resp only now (R10)
        if (!result.ok() || result->already_recorded) return;
        Post([this, action, forwards, reply = std::move(result->reply)] {
          OnInboundRecorded(action, reply, forwards);
        });
      });
}

// A read per MO to an assigned number: MOs are few beside submits, and a credential created
// or revoked by the CLI counts at once.
bool Engine::HasSmppReceivers(const std::string& account, int64_t now_ms) {
  if (smpp_credentials_ == nullptr) return false;
  auto has = smpp_credentials_->HasSmppCredential(account, now_ms);
  if (!has.ok()) {
    log::Warn("delivery", "cannot read whether account '{}' binds over SMPP: {}", account, has.error().code);
    return false;
  }
  return *has;
}

Result<store::InboundEffects> Engine::EffectsOf(compliance::KeywordAction action,
                                                const carriers::CarrierInbound& inbound,
                                                int64_t now_ms) {
  if (!ChangesSomething(action)) return store::InboundEffects{};
  auto account = inbound_store_.LastSenderAccount(inbound.from, inbound.to);
  if (!account.ok()) return account.take_error();
  const std::optional<std::string> region = validation::RegionOf(inbound.from);
  return PlanInbound(action, inbound, InboundContext{*account, region, now_ms, NewUuidV7(now_ms)},
                     options_.replies);
}

void Engine::OnInboundRecorded(compliance::KeywordAction action,
                               const std::optional<store::QueuedRef>& reply, bool forwarded) {
  if (forwarded) {
    metrics_
        .Counter("deliverer_inbound_forwarded_total",
                 "Inbound (MO) messages to an assigned number put in the webhook outbox for its "
                 "account's inbound_url")
        .Inc();
  }
  metrics_
      .Counter("deliverer_inbound_messages_total",
               "Inbound (MO) messages recorded, by keyword action",
               {{"action", ActionLabel(action)}})
      .Inc();
  if (!reply) return;  // none asked for, disabled, or one went out within the window
  if (const auto kind = compliance::ReplyKindOf(action)) {
    metrics_
        .Counter("deliverer_compliance_replies_total", "Replies to keyword MOs created",
                 {{"kind", std::string(compliance::ToString(*kind))}})
        .Inc();
  }
  queue_.Publish({queue::Delivery{reply->id, reply->to, reply->priority, reply->created_at_ms, 0}});
}

}  // namespace deliverer::delivery
