#include "smppd/parts.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "smppd/data_coding.h"

namespace deliverer::smppd {
namespace {

constexpr std::string_view kVersion = "p1";

// One line per field, then the octets: ids and account names hold no line break.
std::optional<std::string_view> NextLine(std::string_view& rest) {
  const size_t end = rest.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  return line;
}

std::optional<uint8_t> Byte(std::string_view text) {
  unsigned value = 0;
  if (text.empty() || text.size() > 3) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 255) return std::nullopt;
  return static_cast<uint8_t>(value);
}

}  // namespace

std::string PackPart(const PartEnvelope& e) {
  std::string out = fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n", kVersion, e.message_id, e.account, e.key_id,
                                e.data_coding, e.registered_delivery, e.high_priority ? 1 : 0);
  out.append(e.user_data.begin(), e.user_data.end());
  return out;
}

std::optional<PartEnvelope> UnpackPart(std::string_view text) {
  std::string_view rest = text;
  std::array<std::string_view, 7> lines;
  for (std::string_view& line : lines) {
    auto next = NextLine(rest);
    if (!next) return std::nullopt;
    line = *next;
  }
  const auto dc = Byte(lines[4]);
  const auto rd = Byte(lines[5]);
  const auto high = Byte(lines[6]);
  if (lines[0] != kVersion || !dc || !rd || !high || lines[1].empty()) return std::nullopt;
  return PartEnvelope{std::string(lines[1]), std::string(lines[2]), std::string(lines[3]), *dc, *rd, *high != 0,
                      std::vector<uint8_t>(rest.begin(), rest.end())};
}

store::InboundPartsKey PartsKey(std::string_view system_id, const std::string& from, const std::string& to,
                                uint16_t reference, int total) {
  return store::InboundPartsKey{std::string(store::kProducerPartsPrefix) + std::string(system_id), from, to,
                                reference, total};
}

std::string SystemIdOf(const store::InboundPartsKey& key) {
  return key.carrier.substr(std::min(key.carrier.size(), store::kProducerPartsPrefix.size()));
}

bool IsComplete(const std::vector<store::InboundPart>& parts) {
  if (parts.empty()) return false;
  const int total = parts.front().key.total;
  if (static_cast<int>(parts.size()) != total) return false;
  for (int i = 0; i < total; ++i) {
    if (parts[static_cast<size_t>(i)].sequence != i + 1) return false;
  }
  return true;
}

Result<std::string> JoinedText(const std::vector<store::InboundPart>& parts) {
  std::vector<PartEnvelope> envelopes;
  for (const store::InboundPart& part : parts) {
    auto envelope = UnpackPart(part.text);
    if (!envelope) return Error::Of("invalid_field", "a stored part is unreadable", "body");
    envelopes.push_back(std::move(*envelope));
  }
  if (envelopes.empty()) return std::string();
  const uint8_t dc = envelopes.front().data_coding;
  const bool same = std::all_of(envelopes.begin(), envelopes.end(),
                                [dc](const PartEnvelope& e) { return e.data_coding == dc; });
  if (same) {
    std::vector<uint8_t> joined;
    for (const PartEnvelope& e : envelopes) joined.insert(joined.end(), e.user_data.begin(), e.user_data.end());
    return DecodeText(dc, joined);
  }
  std::string text;
  for (const PartEnvelope& e : envelopes) {
    auto piece = DecodeText(e.data_coding, e.user_data);
    if (!piece.ok()) return piece.take_error();
    text += *piece;
  }
  return text;
}

}  // namespace deliverer::smppd
