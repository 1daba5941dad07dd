#include "carriers/carrier.h"

#include <algorithm>

namespace deliverer::carriers {

SenderKind SenderKindOf(std::string_view from) {
  if (!from.empty() && from[0] == '+') return SenderKind::kE164;
  const bool digits = !from.empty() && std::all_of(from.begin(), from.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  return digits ? SenderKind::kShortCode : SenderKind::kAlphanumeric;
}

std::string_view ToString(SubmitReport::Kind kind) {
  switch (kind) {
    case SubmitReport::Kind::kAccepted: return "accepted";
    case SubmitReport::Kind::kPermanent: return "permanent";
    case SubmitReport::Kind::kTransient: return "transient";
    case SubmitReport::Kind::kUnknown: return "unknown";
    case SubmitReport::Kind::kNotSent: return "not_sent";
  }
  return "?";
}

}  // namespace deliverer::carriers
