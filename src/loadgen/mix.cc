#include "loadgen/mix.h"

#include <charconv>
#include <numeric>

namespace deliverer::loadgen {
namespace {

constexpr std::array<std::string_view, kKindCount> kKindNames = {"gsm7", "ucs2", "multipart"};

Error Invalid(std::string detail) { return Error::Of("invalid_value", std::move(detail), "mix"); }

int KindIndex(std::string_view name) {
  for (size_t i = 0; i < kKindCount; ++i) {
    if (kKindNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// One "KIND:WEIGHT" item into `mix`; `seen` flags the kinds already given.
Status ParseItem(std::string_view item, Mix& mix, std::array<bool, kKindCount>& seen) {
  const size_t colon = item.find(':');
  if (colon == std::string_view::npos) {
    return Invalid("--mix items are KIND:WEIGHT, got '" + std::string(item) + "'");
  }
  const int kind = KindIndex(item.substr(0, colon));
  if (kind < 0) {
    return Invalid("--mix kinds are gsm7, ucs2 and multipart, got '" +
                   std::string(item.substr(0, colon)) + "'");
  }
  if (seen[kind]) return Invalid("--mix names '" + std::string(kKindNames[kind]) + "' twice");
  seen[kind] = true;
  const std::string_view digits = item.substr(colon + 1);
  uint32_t weight = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), weight);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      weight > kMaxMixWeight) {
    return Invalid("--mix weights are integers 0 … " + std::to_string(kMaxMixWeight) + ", got '" +
                   std::string(digits) + "'");
  }
  mix.weights[kind] = weight;
  return Status::Ok();
}

}  // namespace

std::string_view KindName(MessageKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

Result<Mix> ParseMix(std::string_view text) {
  Mix mix;
  std::array<bool, kKindCount> seen{};
  while (true) {
    const size_t comma = text.find(',');
    if (Status s = ParseItem(text.substr(0, comma), mix, seen); !s.ok()) return s.error();
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (std::accumulate(mix.weights.begin(), mix.weights.end(), 0U) == 0) {
    return Invalid("--mix needs at least one kind with a weight above 0");
  }
  return mix;
}

std::string MixToString(const Mix& mix) {
  std::string out;
  for (size_t i = 0; i < kKindCount; ++i) {
    if (mix.weights[i] == 0) continue;
    if (!out.empty()) out += ',';
    out += std::string(kKindNames[i]) + ":" + std::to_string(mix.weights[i]);
  }
  return out;
}

MixCycle::MixCycle(const Mix& mix) {
  uint32_t divisor = 0;
  for (uint32_t w : mix.weights) divisor = std::gcd(divisor, w);
  std::array<int64_t, kKindCount> weight{}, current{};
  int64_t total = 0;
  for (size_t i = 0; i < kKindCount; ++i) {
    weight[i] = divisor == 0 ? 0 : mix.weights[i] / divisor;
    total += weight[i];
  }
  if (total == 0) {  // not a parsed mix; fall back to GSM-7 only
    cycle_.push_back(MessageKind::kGsm7);
    return;
  }
  cycle_.reserve(static_cast<size_t>(total));
  for (int64_t step = 0; step < total; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < kKindCount; ++i) {
      current[i] += weight[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    cycle_.push_back(static_cast<MessageKind>(best));
  }
}

}  // namespace deliverer::loadgen
