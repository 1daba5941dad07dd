#include "validation/ssrf.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace deliverer::validation {
namespace {

struct V4Block {
  uint32_t prefix;
  int bits;
};

constexpr std::array<V4Block, 9> kForbiddenV4 = {{
    {0x00000000, 8},   // 0.0.0.0/8
    {0x0A000000, 8},   // 10.0.0.0/8
    {0x64400000, 10},  // 100.64.0.0/10
    {0x7F000000, 8},   // 127.0.0.0/8
    {0xA9FE0000, 16},  // 169.254.0.0/16
    {0xAC100000, 12},  // 172.16.0.0/12
    {0xC0A80000, 16},  // 192.168.0.0/16
    {0xE0000000, 4},   // 224.0.0.0/4
    {0xF0000000, 4},   // 240.0.0.0/4
}};

bool IsForbiddenV4(const boost::asio::ip::address_v4& address) {
  const uint32_t value = address.to_uint();
  return std::any_of(kForbiddenV4.begin(), kForbiddenV4.end(), [value](const V4Block& b) {
    const uint32_t mask = ~uint32_t{0} << (32 - b.bits);
    return (value & mask) == b.prefix;
  });
}

// The IPv4 address carried in the last four bytes of an IPv6 address, for the
// prefixes whose traffic ends up at that IPv4 address.
bool EmbeddedV4(const boost::asio::ip::address_v6::bytes_type& b,
                boost::asio::ip::address_v4* out) {
  static constexpr std::array<uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr std::array<uint8_t, 12> kCompatible = {};
  static constexpr std::array<uint8_t, 12> kNat64 = {0, 0x64, 0xFF, 0x9B};
  for (const auto* prefix : {&kMapped, &kCompatible, &kNat64}) {
    if (std::equal(prefix->begin(), prefix->end(), b.begin())) {
      *out = boost::asio::ip::address_v4(
          boost::asio::ip::address_v4::bytes_type{b[12], b[13], b[14], b[15]});
      return true;
    }
  }
  return false;
}

bool IsForbiddenV6(const boost::asio::ip::address_v6& address) {
  if (address.is_unspecified() || address.is_loopback() || address.is_link_local() ||
      address.is_site_local() || address.is_multicast()) {
    return true;
  }
  const auto bytes = address.to_bytes();
  if ((bytes[0] & 0xFE) == 0xFC) return true;  // fc00::/7
  boost::asio::ip::address_v4 v4;
  return EmbeddedV4(bytes, &v4) && IsForbiddenV4(v4);
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool IsForbiddenAddress(const boost::asio::ip::address& address) {
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
