#include "carriers/smpp/submit_builder.h"

#include <fmt/format.h>

#include <algorithm>

namespace deliverer::carriers::smpp {

namespace {

std::string WithoutPlus(const std::string& number) {
  return !number.empty() && number[0] == '+' ? number.substr(1) : number;
}

}  // namespace

std::string RelativeValidity(int64_t seconds) {
  seconds = std::clamp<int64_t>(seconds, 0, int64_t{99} * 365 * 86400);
  // Years and months are left at zero: days up to 99 would overflow, so carry whole
  // years of 365 days, as SMSCs read the fields back additively.
  const int64_t years = seconds / (365 * 86400);
  seconds %= 365 * 86400;
  const int64_t days = seconds / 86400;
  seconds %= 86400;
  const int64_t months = days / 30;
  const int64_t rest_days = days % 30;
  return fmt::format("{:02}{:02}{:02}{:02}{:02}{:02}000R", years, months, rest_days,
                     seconds / 3600, (seconds % 3600) / 60, seconds % 60);
}

std::vector<deliverer::smpp::SubmitSm> BuildSubmits(const CarrierSubmit& submit,
                                                    const Addressing& a) {
  deliverer::smpp::SubmitSm base;
  base.service_type = a.service_type;
  switch (SenderKindOf(submit.from)) {
    case SenderKind::kAlphanumeric:
      base.source_addr_ton = a.alnum_ton;
      base.source_addr_npi = a.alnum_npi;
      base.source_addr = submit.from;
      break;
    case SenderKind::kE164:
      base.source_addr_ton = a.e164_ton;
      base.source_addr_npi = a.e164_npi;
      base.source_addr = WithoutPlus(submit.from);
      break;
    case SenderKind::kShortCode:
      base.source_addr_ton = a.short_ton;
      base.source_addr_npi = a.short_npi;
      base.source_addr = submit.from;
      break;
  }
  base.dest_addr_ton = a.dest_ton;
  base.dest_addr_npi = a.dest_npi;
  base.destination_addr = WithoutPlus(submit.to);
  base.registered_delivery = submit.want_receipt ? 1 : 0;
  if (submit.validity_s > 0) base.validity_period = RelativeValidity(submit.validity_s);
  const bool ucs2 = submit.encoding == model::Encoding::kUcs2;
  base.data_coding = ucs2 ? 0x08 : a.data_coding_gsm7;
  if (submit.flash) base.data_coding = ucs2 ? 0x18 : 0x10;

  std::vector<deliverer::smpp::SubmitSm> out;
  out.reserve(submit.segments.size());
  for (const text::Segment& segment : submit.segments) {
    deliverer::smpp::SubmitSm sm = base;
    sm.esm_class = segment.udh.empty() ? 0x00 : 0x40;
    sm.short_message.reserve(segment.udh.size() + segment.payload.size());
    sm.short_message.insert(sm.short_message.end(), segment.udh.begin(), segment.udh.end());
    sm.short_message.insert(sm.short_message.end(), segment.payload.begin(), segment.payload.end());
    out.push_back(std::move(sm));
  }
  return out;
}

}  // namespace deliverer::carriers::smpp
