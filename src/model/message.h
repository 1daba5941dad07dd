#pragma once
// Value types of a message's life, shared by every component. No I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::model {

// scheduled → queued → sending → sent → delivered | expired | failed | rejected | canceled
// (docs/api.md "Statuses"). The values are stored: new ones are appended, never inserted.
enum class Status : uint8_t {
  kQueued, kSending, kSent, kDelivered, kExpired, kFailed, kRejected, kScheduled, kCanceled
};
enum class Priority : uint8_t { kLow, kNormal, kHigh };
enum class MessageType : uint8_t { kSms, kFlash };
enum class Encoding : uint8_t { kGsm7, kUcs2 };

std::string_view ToString(Status s);
std::string_view ToString(Priority p);
std::string_view ToString(MessageType t);
std::string_view ToString(Encoding e);
std::optional<Status> ParseStatus(std::string_view s);
std::optional<Priority> ParsePriority(std::string_view s);
std::optional<MessageType> ParseMessageType(std::string_view s);

// What a message says and to whom, once validated: the part that every stage from the
// API to the carrier connector carries unchanged. Each stage's own shape extends it with
// what that stage adds (validation::ValidatedMessage: the request's options;
// store::NewMessage: who sent it and when; store::DeliveryRecord: where it stands), so
// a stage hands it on by slicing, never field by field.
struct Message {
  std::string from;       // E.164, short code or alphanumeric sender
  std::string to;         // E.164, e.g. "+442071838750"
  std::string to_region;  // the numbering plan's region of `to`, e.g. "GB"
  std::string body;       // UTF-8, as the producer wrote it
  MessageType type = MessageType::kSms;
  Priority priority = Priority::kNormal;
  Encoding encoding = Encoding::kGsm7;
  int segments = 1;  // the SMS segments the body needs in `encoding`
};

inline bool IsTerminal(Status s) {
  return s == Status::kDelivered || s == Status::kExpired || s == Status::kFailed ||
         s == Status::kRejected || s == Status::kCanceled;
}

// Limits of docs/api.md "POST /v1/messages", in one place.
inline constexpr int kMinTtlSeconds = 60;
inline constexpr int kMaxTtlSeconds = 259'200;
inline constexpr int kDefaultTtlSeconds = 172'800;
inline constexpr int kMaxSegments = 10;
inline constexpr size_t kMaxClientRefChars = 64;
inline constexpr size_t kMaxBatchItems = 1000;
// `send_at` may be at most this far ahead of acceptance (docs/api.md "Scheduled sends").
inline constexpr int64_t kMaxScheduleAheadMs = 30LL * 24 * 3600 * 1000;

}  // namespace deliverer::model
