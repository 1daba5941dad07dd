#pragma once
// The cost estimate a message is accepted with (docs/api.md "Cost"). Pure, thread-safe.
#include <optional>
#include <string>

#include "model/price.h"
#include "routing/router.h"
#include "store/records.h"

namespace deliverer::api {

// `message`'s segments at the price per segment of the carrier `router` would try first
// for it (Router::FirstChoice: circuits not consulted, a weighted route's heaviest
// carrier), in `currency`; nullopt when no route or carrier would take it. `message.id`
// must be set: it decides a canary arm, which a halted roll-out (`canaries`) does not have.
std::optional<model::Price> EstimateOf(const routing::Router& router,
                                       const store::NewMessage& message,
                                       const std::string& currency,
                                       const routing::CanaryView& canaries = routing::NoneHalted());

}  // namespace deliverer::api
