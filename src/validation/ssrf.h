#pragma once
// Which network addresses a producer's callback_url may not reach (server-side request
// forgery defence). Pure and thread-safe.
//
// Ingest applies this to callback URLs whose host is an IP literal; a host name can
// resolve anywhere, so the webhook sender MUST apply IsForbiddenAddress again to every
// address DNS returns, right before connecting, unless the operator allows private
// callbacks.
#include <boost/asio/ip/address.hpp>
#include <string_view>

namespace deliverer::validation {

// True for addresses that are not on the public Internet: every block of the IANA
// special-purpose address registries (IPv4 and IPv6) that is not globally reachable,
// multicast, and the IPv6 forms that carry an IPv4 address (mapped ::ffff:0:0/96, SIIT
// ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16, ISATAP interface identifiers)
// whose IPv4 address is forbidden. ssrf.cc lists each block with its source;
// docs/security.md has the table.
bool IsForbiddenAddress(const boost::asio::ip::address& address);

// True for "localhost" and names under ".localhost" (RFC 6761 §6.3), compared without
// regard to case and to one trailing dot.
bool IsLocalhostName(std::string_view host);

}  // namespace deliverer::validation
