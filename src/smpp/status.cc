#include "smpp/status.h"

#include <cstdio>
#include <optional>

namespace deliverer::smpp {
namespace {

std::optional<StatusClass> TableClass(uint32_t status) {
  switch (status) {
#define DELIVERER_SMPP_STATUS_CLASS(Name, value, text, klass) \
  case value:                                                 \
    return StatusClass::klass;
    DELIVERER_SMPP_STATUSES(DELIVERER_SMPP_STATUS_CLASS)
#undef DELIVERER_SMPP_STATUS_CLASS
    default:
      return std::nullopt;
  }
}

}  // namespace

StatusClass ClassifyStatus(uint32_t status, const StatusPolicy& policy) {
  if (status == kEsmeROk) return StatusClass::kOk;
  for (const auto& [value, klass] : policy.overrides) {
    if (value == status) return klass;
  }
  return TableClass(status).value_or(policy.unknown);
}

bool IsKnownStatus(uint32_t status) { return TableClass(status).has_value(); }

bool IsThrottle(uint32_t status) { return status == kEsmeRThrottled || status == kEsmeRMsgQFul; }

std::string_view StatusName(uint32_t status) {
  switch (status) {
#define DELIVERER_SMPP_STATUS_NAME(Name, value, text, klass) \
  case value:                                                \
    return text;
    DELIVERER_SMPP_STATUSES(DELIVERER_SMPP_STATUS_NAME)
#undef DELIVERER_SMPP_STATUS_NAME
    default:
      return "";
  }
}

std::string FormatStatus(uint32_t status) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(status));
  return text;
}

std::string DescribeStatus(uint32_t status) {
  std::string_view name = StatusName(status);
  std::string out = FormatStatus(status);
  out += ' ';
  out += name.empty() ? std::string_view("(unknown)") : name;
  return out;
}

std::string_view ToString(StatusClass klass) {
  switch (klass) {
    case StatusClass::kOk:
      return "ok";
    case StatusClass::kTransient:
      return "transient";
    case StatusClass::kPermanent:
      return "permanent";
  }
  return "";
}

}  // namespace deliverer::smpp
