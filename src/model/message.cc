#include "model/message.h"

#include <array>

namespace deliverer::model {
namespace {

constexpr std::array<std::string_view, 9> kStatusNames = {
    "queued", "sending", "sent", "delivered", "expired", "failed", "rejected", "scheduled", "canceled"};
constexpr std::array<std::string_view, 3> kPriorityNames = {"low", "normal", "high"};
constexpr std::array<std::string_view, 2> kTypeNames = {"sms", "flash"};
constexpr std::array<std::string_view, 2> kEncodingNames = {"gsm7", "ucs2"};

template <class Enum, size_t N>
std::optional<Enum> Lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(Status s) { return kStatusNames[static_cast<size_t>(s)]; }
std::string_view ToString(Priority p) { return kPriorityNames[static_cast<size_t>(p)]; }
std::string_view ToString(MessageType t) { return kTypeNames[static_cast<size_t>(t)]; }
std::string_view ToString(Encoding e) { return kEncodingNames[static_cast<size_t>(e)]; }

std::optional<Status> ParseStatus(std::string_view s) { return Lookup<Status>(kStatusNames, s); }
std::optional<Priority> ParsePriority(std::string_view s) {
  return Lookup<Priority>(kPriorityNames, s);
}
std::optional<MessageType> ParseMessageType(std::string_view s) {
  return Lookup<MessageType>(kTypeNames, s);
}

}  // namespace deliverer::model
