#include "api/estimate.h"

namespace deliverer::api {

std::optional<model::Price> EstimateOf(const routing::Router& router,
                                       const store::NewMessage& message,
                                       const std::string& currency,
                                       const routing::CanaryView& canaries) {
  const routing::CarrierProfile* carrier = router.FirstChoice(
      routing::RouteRequest{message.to, message.to_region, message.segments, 0, message.id}, canaries);
  if (carrier == nullptr) return std::nullopt;
  return model::PriceOf(carrier->price_per_segment, message.segments, currency);
}

}  // namespace deliverer::api
