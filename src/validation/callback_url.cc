// callback_url: parsed by the parser the webhook sender uses too (validation/url.h), so
// that what ingest accepts is deliverable, then screened for SSRF targets.
#include <boost/asio/ip/address.hpp>

#include "validation/rules.h"
#include "validation/ssrf.h"
#include "validation/url.h"

namespace deliverer::validation::rules {
namespace {

Error NotAbsoluteHttp() {
  return Error::Of("invalid_callback_url",
                   "'callback_url' must be an absolute http or https URL with a host",
                   "callback_url");
}

Error ForbiddenTarget() {
  return Error::Of("invalid_callback_url",
                   "'callback_url' must not target a loopback, private, link-local, multicast or "
                   "other special-purpose address",
                   "callback_url");
}

// "127.0.0.1." still reaches 127.0.0.1.
bool IsForbiddenHost(std::string host) {
  if (IsLocalhostName(host)) return true;
  if (!host.empty() && host.back() == '.') host.pop_back();
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(host, ec);
  return !ec && IsForbiddenAddress(address);
}

}  // namespace

Status CheckCallbackUrl(std::string_view url, bool allow_private) {
  if (url.size() > kMaxCallbackUrlBytes) return NotAbsoluteHttp();
  const std::optional<Url> parsed = ParseUrl(url);
  if (!parsed) return NotAbsoluteHttp();
  if (!allow_private && IsForbiddenHost(parsed->host)) return ForbiddenTarget();
  return Status::Ok();
}

}  // namespace deliverer::validation::rules
