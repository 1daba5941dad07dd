#include "smpp/tlv.h"

#include <algorithm>

namespace deliverer::smpp {
namespace {

// Big-endian integer of exactly `width` octets, or nullopt.
std::optional<uint32_t> ReadBigEndian(const Tlv* tlv, size_t width) {
  if (tlv == nullptr || tlv->value.size() != width) return std::nullopt;
  uint32_t v = 0;
  for (uint8_t octet : tlv->value) v = (v << 8) | octet;
  return v;
}

std::vector<uint8_t> BigEndian(uint32_t value, size_t width) {
  std::vector<uint8_t> out(width);
  for (size_t i = 0; i < width; ++i) out[width - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
  return out;
}

}  // namespace

const Tlv* Tlvs::Find(uint16_t tag) const {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [tag](const Tlv& t) { return t.tag == tag; });
  return it == entries_.end() ? nullptr : &*it;
}

std::optional<uint8_t> Tlvs::GetU8(uint16_t tag) const {
  auto v = ReadBigEndian(Find(tag), 1);
  if (!v) return std::nullopt;
  return static_cast<uint8_t>(*v);
}

std::optional<uint16_t> Tlvs::GetU16(uint16_t tag) const {
  auto v = ReadBigEndian(Find(tag), 2);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

std::optional<uint32_t> Tlvs::GetU32(uint16_t tag) const { return ReadBigEndian(Find(tag), 4); }

std::optional<std::string> Tlvs::GetCString(uint16_t tag) const {
  const Tlv* tlv = Find(tag);
  if (tlv == nullptr) return std::nullopt;
  auto end = std::find(tlv->value.begin(), tlv->value.end(), uint8_t{0});
  return std::string(tlv->value.begin(), end);
}

std::optional<std::span<const uint8_t>> Tlvs::GetOctets(uint16_t tag) const {
  const Tlv* tlv = Find(tag);
  if (tlv == nullptr) return std::nullopt;
  return std::span<const uint8_t>(tlv->value);
}

std::optional<NetworkError> Tlvs::GetNetworkError(uint16_t tag) const {
  const Tlv* tlv = Find(tag);
  if (tlv == nullptr || tlv->value.size() != 3) return std::nullopt;
  const auto& v = tlv->value;
  return NetworkError{v[0], static_cast<uint16_t>((v[1] << 8) | v[2])};
}

void Tlvs::Add(uint16_t tag, std::vector<uint8_t> value) {
  entries_.push_back(Tlv{tag, std::move(value)});
}

void Tlvs::AddU8(uint16_t tag, uint8_t value) { Add(tag, {value}); }
void Tlvs::AddU16(uint16_t tag, uint16_t value) { Add(tag, BigEndian(value, 2)); }
void Tlvs::AddU32(uint16_t tag, uint32_t value) { Add(tag, BigEndian(value, 4)); }

void Tlvs::AddCString(uint16_t tag, std::string_view value) {
  std::vector<uint8_t> bytes(value.begin(), value.end());
  bytes.push_back(0);
  Add(tag, std::move(bytes));
}

void Tlvs::AddOctets(uint16_t tag, std::span<const uint8_t> value) {
  Add(tag, std::vector<uint8_t>(value.begin(), value.end()));
}

void Tlvs::AddNetworkError(uint16_t tag, NetworkError value) {
  Add(tag, {value.network_type, static_cast<uint8_t>(value.error_code >> 8),
            static_cast<uint8_t>(value.error_code)});
}

std::string_view TlvName(uint16_t tag) {
  switch (tag) {
#define DELIVERER_SMPP_TLV_NAME(Name, wire_name, value, Kind) \
  case value:                                                 \
    return wire_name;
    DELIVERER_SMPP_TLVS(DELIVERER_SMPP_TLV_NAME)
#undef DELIVERER_SMPP_TLV_NAME
    default:
      return "";
  }
}

}  // namespace deliverer::smpp
