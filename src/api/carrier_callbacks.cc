#include "api/carrier_callbacks.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <string_view>

#include "auth/api_key.h"
#include "auth/signature.h"

namespace deliverer::api {

namespace ip = boost::asio::ip;

namespace {

constexpr int64_t kSignatureMaxAgeS = 300;

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

}  // namespace deliverer::api
