#pragma once
// The JSON body POSTed to a producer's callback_url (api.md "Webhooks to producers").
#include <string>

#include "store/delivery_records.h"

namespace deliverer::webhooks {

std::string PayloadJson(const store::WebhookJob& job);

}  // namespace deliverer::webhooks
