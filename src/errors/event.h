#pragma once
// What one error report says, and the bytes that carry it to Sentry: the event is built
// here from scrubbed text only, and wrapped in an envelope (one header line, one item
// header line, the event's JSON). Pure and thread-safe; no I/O.
//
// docs/operations.md "Error reporting" lists every field an event holds; a field added
// here is added there.
#include <cstdint>
#include <string>
#include <string_view>

namespace deliverer::errors {

enum class Level { kError, kFatal };

struct Event {
  Level level = Level::kError;
  std::string component;       // "http", "storage", …; a crash: the thread's name
  std::string type;            // exception type, "sqlite", or the signal's name "SIGSEGV"
  std::string message;         // already scrubbed (Scrub)
  std::string correlation_id;  // "" when none
  int signal = 0;              // a crash's signal number, 0 otherwise
  int64_t unix_millis = 0;     // when it happened
  std::string release;         // "deliverer@0.1.0"; a crash: the release that crashed
};

// The text an event may carry of an error's message: numbers masked as in the logs
// (MaskText, then MaskNumber for every other run of six or more digits), whatever sits
// between quotes replaced by "…" (libraries quote the input that failed there), and cut
// to kMaxMessageBytes.
inline constexpr size_t kMaxMessageBytes = 300;
std::string Scrub(std::string_view message);

// An identifier fit for a tag (correlation ids, components, thread names): letters,
// digits, '-', '_', '.', '@', at most 64 characters; anything else gives "".
std::string TagValue(std::string_view text);

// The envelope for POST /api/{project}/envelope/. `event_id` is 32 lower-case hex digits;
// `environment` "" leaves it out; `sent_at_millis` is now.
std::string Envelope(const Event& event, std::string_view event_id, std::string_view environment,
                     int64_t sent_at_millis);

// The name of a fatal signal ("SIGSEGV"), "signal N" for one not in the list.
std::string SignalName(int signal);

}  // namespace deliverer::errors
