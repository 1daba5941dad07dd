// EngineOptions from the configuration file's [delivery], [compliance] and [billing] sections
// (docs/configuration.md).
#include "delivery/engine.h"

#include <algorithm>

namespace deliverer::delivery {
namespace {

compliance::ReplyTexts TextsOf(const config::ComplianceReplies& r) {
  return compliance::ReplyTexts{r.opt_out_reply, r.opt_in_reply, r.help_reply};
}

compliance::ReplyPolicy ReplyPolicyOf(const config::ComplianceConfig& c) {
  compliance::ReplyPolicy policy;
  policy.defaults = TextsOf(c.replies);
  for (const auto& [account, replies] : c.accounts) policy.accounts.emplace(account, TextsOf(replies));
  return policy;
}

// What the enabled carriers can have written and unanswered at once, all together.
size_t CarrierCapacityOf(const std::vector<config::CarrierConfig>& carriers) {
  size_t total = 0;
  for (const config::CarrierConfig& c : carriers) {
    if (!c.enabled) continue;
    total += static_cast<size_t>(c.protocol == "http" ? c.http.connections : c.binds * c.window);
  }
  return std::max<size_t>(total, 1);
}

}  // namespace

EngineOptions EngineOptions::From(const config::Config& c) {
  EngineOptions o;
  o.max_attempts = c.delivery.max_attempts;
  o.backoff_base = Millis(c.delivery.backoff_base_ms);
  o.backoff_cap = Millis(c.delivery.backoff_cap_ms);
  o.receipt_wait_s = c.delivery.receipt_wait_s;
  o.max_in_flight = CarrierCapacityOf(c.carriers);
  o.extra_opt_out_keywords = c.compliance.opt_out_keywords;
  o.replies = ReplyPolicyOf(c.compliance);
  o.currency = c.billing.currency;
  o.numbers = c.numbers;
  return o;
}

}  // namespace deliverer::delivery
