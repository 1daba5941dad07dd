#include "validation/ssrf.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "common/ascii.h"

namespace deliverer::validation {
namespace {

namespace ip = boost::asio::ip;

struct V4Block {
  uint32_t prefix;
  int bits;
};

// The IANA IPv4 Special-Purpose Address Registry, every block that is not globally
// reachable, plus multicast. Checked 2026-12 against the registry.
constexpr std::array<V4Block, 15> kForbiddenV4 = {{
    {0x00000000, 8},   // 0.0.0.0/8        "this network" (RFC 791), incl. 0.0.0.0
    {0x0A000000, 8},   // 10.0.0.0/8       private (RFC 1918)
    {0x64400000, 10},  // 100.64.0.0/10    shared address space, carrier-grade NAT (RFC 6598)
    {0x7F000000, 8},   // 127.0.0.0/8      loopback
    {0xA9FE0000, 16},  // 169.254.0.0/16   link-local, incl. the cloud metadata service
    {0xAC100000, 12},  // 172.16.0.0/12    private
    // 192.0.0.0/24 IETF protocol assignments (RFC 6890): DS-Lite 192.0.0.0/29, the dummy
    // 192.0.0.8, NAT64 discovery 192.0.0.170-171. Its two anycast exceptions (.9, .10)
    // are no webhook receivers either, so the whole /24 is refused.
    {0xC0000000, 24},
    {0xC0000200, 24},  // 192.0.2.0/24     documentation (TEST-NET-1)
    {0xC0586300, 24},  // 192.88.99.0/24   6to4 relay anycast, deprecated (RFC 7526)
    {0xC0A80000, 16},  // 192.168.0.0/16   private
    {0xC6120000, 15},  // 198.18.0.0/15    benchmarking (RFC 2544)
    {0xC6336400, 24},  // 198.51.100.0/24  documentation (TEST-NET-2)
    {0xCB007100, 24},  // 203.0.113.0/24   documentation (TEST-NET-3)
    {0xE0000000, 4},   // 224.0.0.0/4      multicast
    {0xF0000000, 4},   // 240.0.0.0/4      reserved, incl. broadcast 255.255.255.255
}};

bool IsForbiddenV4(const ip::address_v4& address) {
  const uint32_t value = address.to_uint();
  return std::any_of(kForbiddenV4.begin(), kForbiddenV4.end(), [value](const V4Block& b) {
    const uint32_t mask = b.bits == 0 ? 0 : ~uint32_t{0} << (32 - b.bits);
    return (value & mask) == b.prefix;
  });
}

using V6Bytes = ip::address_v6::bytes_type;

struct V6Block {
  std::array<uint8_t, 16> prefix;
  int bits;
};

bool InBlock(const V6Bytes& b, const V6Block& block) {
  for (int bit = 0; bit < block.bits; bit += 8) {
    const int take = std::min(8, block.bits - bit);
    const auto mask = static_cast<uint8_t>(0xFF << (8 - take));
    if ((b[bit / 8] & mask) != (block.prefix[bit / 8] & mask)) return false;
  }
  return true;
}

// The IANA IPv6 Special-Purpose Address Registry, every block that is not globally
// reachable, plus the deprecated site-local and the multicast blocks. Checked 2026-12.
constexpr std::array<V6Block, 12> kForbiddenV6 = {{
    {{}, 96},                                          // ::/96 unspecified, loopback, IPv4-compatible (deprecated)
    {{0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48},        // 64:ff9b:1::/48 local-use IPv4/IPv6 translation
    {{0x01, 0x00}, 64},                                // 100::/64 discard-only
    {{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}, 64},  // 100:0:0:1::/64 dummy prefix
    // 2001::/23 IETF protocol assignments, incl. Teredo 2001::/32 (which carries an
    // obfuscated IPv4 address) and ORCHID; its few anycast exceptions are no webhook
    // receivers, so the whole block is refused.
    {{0x20, 0x01, 0x00}, 23},
    {{0x20, 0x01, 0x0D, 0xB8}, 32},                    // 2001:db8::/32 documentation
    {{0x3F, 0xFF}, 20},                                // 3fff::/20 documentation (RFC 9637)
    {{0x5F, 0x00}, 16},                                // 5f00::/16 segment routing SIDs (RFC 9602)
    {{0xFC}, 7},                                       // fc00::/7 unique local
    {{0xFE, 0x80}, 10},                                // fe80::/10 link-local
    {{0xFE, 0xC0}, 10},                                // fec0::/10 site-local (deprecated)
    {{0xFF}, 8},                                       // ff00::/8 multicast
}};

ip::address_v4 V4At(const V6Bytes& b, size_t at) {
  return ip::address_v4(ip::address_v4::bytes_type{b[at], b[at + 1], b[at + 2], b[at + 3]});
}

// The IPv4 address a translation or tunnelling form carries, where traffic to the IPv6
// address ends up at (or is decided by) that IPv4 address.
std::optional<ip::address_v4> EmbeddedV4(const V6Bytes& b) {
  static constexpr V6Block kMapped{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 96};         // ::ffff:0:0/96
  static constexpr V6Block kTranslated{{0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0}, 96};     // ::ffff:0:0:0/96 (SIIT)
  static constexpr V6Block kNat64{{0x00, 0x64, 0xFF, 0x9B}, 96};                             // 64:ff9b::/96
  static constexpr V6Block kSixToFour{{0x20, 0x02}, 16};                                     // 2002::/16
  if (InBlock(b, kMapped) || InBlock(b, kTranslated) || InBlock(b, kNat64)) return V4At(b, 12);
  if (InBlock(b, kSixToFour)) return V4At(b, 2);
  // ISATAP (RFC 5214): any prefix, interface identifier [02]00:5efe:a.b.c.d.
  if ((b[8] == 0x00 || b[8] == 0x02) && b[9] == 0x00 && b[10] == 0x5E && b[11] == 0xFE) return V4At(b, 12);
  return std::nullopt;
}

bool IsForbiddenV6(const ip::address_v6& address) {
  const V6Bytes bytes = address.to_bytes();
  if (std::any_of(kForbiddenV6.begin(), kForbiddenV6.end(),
                  [&bytes](const V6Block& block) { return InBlock(bytes, block); })) {
    return true;
  }
  const std::optional<ip::address_v4> v4 = EmbeddedV4(bytes);
  return v4 && IsForbiddenV4(*v4);
}

}  // namespace

bool IsForbiddenAddress(const ip::address& address) {
  if (address.is_v4()) return IsForbiddenV4(address.to_v4());
  return IsForbiddenV6(address.to_v6());
}

bool IsLocalhostName(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  constexpr std::string_view kName = "localhost";
  constexpr std::string_view kSuffix = ".localhost";
  if (EqualsIgnoringCase(host, kName)) return true;
  return host.size() > kSuffix.size() &&
         EqualsIgnoringCase(host.substr(host.size() - kSuffix.size()), kSuffix);
}

}  // namespace deliverer::validation
