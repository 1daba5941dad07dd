#include "rabbitmq/dispatch_message.h"

#include <fmt/format.h>

#include <charconv>

#include "common/ids.h"

namespace deliverer::rabbitmq {
namespace {

constexpr std::string_view kVersion = "d1";
constexpr size_t kKeyDigits = 16;

bool IsOrderingKey(std::string_view key) {
  if (key.size() != kKeyDigits) return false;
  for (char c : key) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The next space-separated field of `rest`, consumed; nullopt at the end.
std::optional<std::string_view> NextField(std::string_view& rest) {
  if (rest.empty()) return std::nullopt;
  const size_t space = rest.find(' ');
  std::string_view field = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  if (field.empty()) return std::nullopt;
  return field;
}

// Decimal digits in their one form: no sign, no leading zero.
template <class T>
std::optional<T> Number(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text.front() == '0') || text.front() == '-') return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string OrderingKey(const std::array<unsigned char, 32>& digest) {
  std::string key;
  key.reserve(kKeyDigits);
  for (size_t i = 0; i < kKeyDigits / 2; ++i) key += fmt::format("{:02x}", digest[i]);
  return key;
}

int PartitionOf(std::string_view ordering_key, int partitions) {
  if (partitions <= 1 || !IsOrderingKey(ordering_key)) return 0;
  uint64_t value = 0;
  std::from_chars(ordering_key.data(), ordering_key.data() + ordering_key.size(), value, 16);
  return static_cast<int>(value % static_cast<uint64_t>(partitions));
}

std::string PartitionQueue(std::string_view prefix, int partition) { return fmt::format("{}{}", prefix, partition); }

std::string EncodeDispatch(const queue::Delivery& delivery) {
  return fmt::format("{} {} {} {} {}", kVersion, delivery.message_id, delivery.destination,
                     static_cast<int>(delivery.priority), delivery.queued_at_ms);
}

std::optional<queue::Delivery> DecodeDispatch(std::string_view body) {
  // A separator at the end would leave an empty last field unseen.
  if (body.empty() || body.back() == ' ') return std::nullopt;
  std::string_view rest = body;
  const auto version = NextField(rest);
  const auto id = NextField(rest);
  const auto key = NextField(rest);
  const auto priority = NextField(rest);
  const auto queued_at = NextField(rest);
  if (!version || !id || !key || !priority || !queued_at || !rest.empty() || *version != kVersion) {
    return std::nullopt;
  }
  // Ids as the store keeps them, lower-case.
  if (!IsUuid(*id) || CanonicalMessageId(*id) != *id || !IsOrderingKey(*key)) return std::nullopt;
  const auto p = Number<int>(*priority);
  const auto at = Number<int64_t>(*queued_at);
  if (!p || *p > 2 || !at) return std::nullopt;
  return queue::Delivery{std::string(*id), std::string(*key), static_cast<model::Priority>(*p), *at, 0};
}

}  // namespace deliverer::rabbitmq
