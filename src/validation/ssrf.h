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

// True for addresses that reach the gateway's own host or network rather than the
// public Internet:
//   IPv4: 0.0.0.0/8 ("this network", incl. unspecified), 10/8, 100.64/10 (CGNAT),
//         127/8 (loopback), 169.254/16 (link-local, incl. the cloud metadata service
//         169.254.169.254), 172.16/12, 192.168/16, 224/4 (multicast), 240/4 (reserved,
//         incl. broadcast 255.255.255.255);
//   IPv6: :: (unspecified), ::1 (loopback), fe80::/10 (link-local), fec0::/10 (former
//         site-local), fc00::/7 (unique local), ff00::/8 (multicast), and any form that
//         embeds an IPv4 address (::ffff:0:0/96 mapped, ::/96 compatible, 64:ff9b::/96
//         NAT64) whose IPv4 address is forbidden.
bool IsForbiddenAddress(const boost::asio::ip::address& address);

// True for "localhost" and names under ".localhost" (RFC 6761 §6.3), compared without
// regard to case and to one trailing dot.
bool IsLocalhostName(std::string_view host);

}  // namespace deliverer::validation
