#include "api/carrier_callbacks.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "api/request_helpers.h"
#include "auth/api_key.h"
#include "auth/signature.h"
#include "common/utf8.h"

namespace deliverer::api {

namespace ip = boost::asio::ip;

namespace {

constexpr int64_t kSignatureMaxAgeS = 300;
// Bounds on what a carrier may put in a callback (docs/api.md "Carrier callbacks").
constexpr size_t kMaxCarrierIdBytes = 128;
constexpr size_t kMaxCodeBytes = 32;
constexpr size_t kMaxAddressBytes = 32;
constexpr size_t kMaxInboundTextBytes = 4096;

bool InNetwork(const ip::address& address, const std::string& cidr) {
  boost::system::error_code ec;
  if (address.is_v4()) {
    const auto network = ip::make_network_v4(cidr, ec);
    if (ec) return false;
    return ip::network_v4(address.to_v4(), network.prefix_length()).canonical() == network.canonical();
  }
  const auto network = ip::make_network_v6(cidr, ec);
  if (ec) return false;
  return ip::network_v6(address.to_v6(), network.prefix_length()).canonical() == network.canonical();
}

bool Allowed(const std::string& peer_ip, const std::vector<std::string>& allow) {
  boost::system::error_code ec;
  const auto address = ip::make_address(peer_ip, ec);
  if (ec) return false;
  return std::any_of(allow.begin(), allow.end(),
                     [&](const std::string& cidr) { return InNetwork(address, cidr); });
}

// Verified by the listener's client CA and, when a name is pinned, issued for it. DNS
// names compare without regard to case.
bool HasCertificate(const ClientCertificate& certificate, const std::string& name) {
  if (!certificate.verified) return false;
  if (name.empty()) return true;
  return std::any_of(certificate.names.begin(), certificate.names.end(), [&](const std::string& n) {
    return boost::algorithm::iequals(n, name);
  });
}

// Field name → value, from a JSON object of strings or a form-encoded body.
Result<std::map<std::string, std::string>> Fields(const Request& request) {
  const std::string type(request[http::field::content_type]);
  std::map<std::string, std::string> fields;
  if (type.starts_with("application/x-www-form-urlencoded")) {
    auto query = ParseQuery(request.body(), /*plus_is_space=*/true);
    if (!query.ok()) return query.take_error();
    for (auto& [name, value] : *query) fields[name] = value;
    return fields;
  }
  const auto json = nlohmann::json::parse(request.body(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Error::Of("invalid_json", "the body is not a JSON object");
  }
  for (const auto& [name, value] : json.items()) {
    if (value.is_string()) fields[name] = value.get<std::string>();
    else if (value.is_number_integer()) fields[name] = std::to_string(value.get<int64_t>());
  }
  return fields;
}

// Values are the carrier's words, stored and shown to producers: UTF-8 (a form-encoded
// body can percent-encode any byte) and of a sane length.
Result<std::string> Required(const std::map<std::string, std::string>& fields, const std::string& name,
                             size_t max_bytes) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty()) {
    return Error::Of("invalid_field", name + " is required", name);
  }
  if (it->second.size() > max_bytes) {
    return Error::Of("invalid_field", fmt::format("{} is longer than {} bytes", name, max_bytes), name);
  }
  return utf8::ToValid(it->second);
}

// A carrier's code: kept, but cut to its first kMaxCodeBytes.
std::string Optional(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : utf8::ToValid(it->second, kMaxCodeBytes);
}

}  // namespace

bool AuthenticateCallback(const CallbackAuth& auth, const Request& request, const Peer& peer,
                          int64_t now_unix_s) {
  const bool wants_certificate = auth.require_certificate || !auth.certificate_name.empty();
  if (auth.allow.empty() && auth.token.empty() && !wants_certificate) return false;
  if (wants_certificate && !HasCertificate(peer.certificate, auth.certificate_name)) return false;
  if (!auth.allow.empty() && !Allowed(peer.ip, auth.allow)) return false;
  if (auth.token.empty()) return true;
  if (auto token = request.find("X-Carrier-Token"); token != request.end()) {
    return auth::ConstantTimeEqual(std::string_view(token->value().data(), token->value().size()), auth.token);
  }
  if (auto signature = request.find("X-Carrier-Signature"); signature != request.end()) {
    return auth::VerifySignatureHeader(std::string_view(signature->value().data(), signature->value().size()),
                                       auth.token, request.body(), now_unix_s, kSignatureMaxAgeS);
  }
  return false;
}

Result<CallbackReceipt> ParseCallbackReceipt(const Request& request) {
  auto fields = Fields(request);
  if (!fields.ok()) return fields.take_error();
  auto id = Required(*fields, "carrier_message_id", kMaxCarrierIdBytes);
  if (!id.ok()) return id.take_error();
  auto status = Required(*fields, "status", kMaxCodeBytes);
  if (!status.ok()) return status.take_error();
  return CallbackReceipt{std::move(*id), std::move(*status), Optional(*fields, "error_code")};
}

Result<CallbackInbound> ParseCallbackInbound(const Request& request) {
  auto fields = Fields(request);
  if (!fields.ok()) return fields.take_error();
  CallbackInbound in;
  for (auto [name, target, limit] : {std::tuple{"from", &in.from, kMaxAddressBytes},
                                     std::tuple{"to", &in.to, kMaxAddressBytes},
                                     std::tuple{"text", &in.text, kMaxInboundTextBytes}}) {
    auto value = Required(*fields, name, limit);
    if (!value.ok()) return value.take_error();
    *target = std::move(*value);
  }
  return in;
}

}  // namespace deliverer::api
