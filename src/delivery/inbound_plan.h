#pragma once
// What an inbound (MO) message changes (docs/api.md "Opt-outs and keyword replies",
// docs/reliability.md S11), decided from its keyword action and who last wrote to the
// subscriber. Pure, thread-safe: the engine gathers the inputs and the store applies the
// result in the commit that records the MO.
//
//   STOP (and the extras)  the number goes on the list of the account that last wrote to
//                          the subscriber from the number the MO went to; none: the global list
//   STOPALL                the global list (every account)
//   START, UNSTOP, YES     the number leaves that account's list, and the global list when
//                          an MO put it there (store::SuppressionLift)
//   HELP, INFO             nothing changes
// Each of those asks for a reply (compliance/replies.h): from the number the MO went to,
// to the subscriber, under compliance::ReplyAccount(), high priority, marked with
// compliance_reply so that it alone passes the suppression check at submit.
#include <optional>
#include <string>

#include "carriers/carrier.h"
#include "compliance/keywords.h"
#include "compliance/replies.h"
#include "store/delivery_records.h"

namespace deliverer::delivery {

struct InboundContext {
  std::string last_sender_account;  // "" when no account wrote to the subscriber
  // The subscriber's numbering-plan region; nullopt when the number is not a valid E.164
  // number, which gets no reply (it could not be routed).
  std::optional<std::string> subscriber_region;
  int64_t now_ms = 0;
  std::string reply_id;  // the id a reply message gets
};

// Reasons stored with MO suppressions.
inline constexpr std::string_view kStopReason = "stop_keyword";
inline constexpr std::string_view kStopAllReason = "stopall_keyword";

store::InboundEffects PlanInbound(compliance::KeywordAction action,
                                  const carriers::CarrierInbound& mo, const InboundContext& context,
                                  const compliance::ReplyPolicy& policy);

}  // namespace deliverer::delivery
