#pragma once
// The JSON bodies `deliverer bench` POSTs (docs/api.md "POST /v1/messages" and ".../batch").
// Pure and allocation-free once `out` has grown: bodies are appended to a caller's
// buffer that is reused from one request to the next. Thread-safe (const).
//
// Message `seq` of a run:
// - goes to one of 14,000 numbers of Ofcom's ranges reserved for drama (fiction) in
//   fourteen UK geographic areas, e.g. +44 20 7946 0000-0999: no real person holds
//   them, and libphonenumber accepts them as valid. (The mobile drama range
//   +44 7700 900xxx is not allocated in libphonenumber's data, so the gateway would
//   answer invalid_destination.) Consecutive messages go to distant numbers, and a
//   number comes back only every 14,000 messages, so in a shorter run no message waits
//   behind another to its number (the gateway has one out per destination);
// - comes from the alphanumeric sender "Deliverer";
// - has a body of the kind the mix gives it (mix.h); the bodies' seq-dependent part is a
//   six-digit code, so each kind keeps its segment count;
// - when tracking, carries client_ref "lg<run id>-<seq>" (echoed in webhooks, which is
//   how a webhook finds its message without a lookup table) and the callback_url.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/mix.h"

namespace deliverer::loadgen {

inline constexpr size_t kDestinationCount = 14'000;

struct GeneratorOptions {
  Mix mix;
  std::string callback_url;  // "" = no callback_url, no client_ref (not tracking)
  std::string run_id;        // letters and digits; tells this run's webhooks apart
};

class MessageGenerator {
 public:
  explicit MessageGenerator(GeneratorOptions options);

  MessageKind KindOf(uint64_t seq) const { return cycle_.At(seq); }
  // Segments the gateway will count for message `seq` (1, 1 or 3 by kind).
  int SegmentsOf(uint64_t seq) const;

  // Replaces `out` with the body of a request carrying messages [first_seq, first_seq + n):
  // one message object, or {"messages":[…]} when `batch`. Precondition: n >= 1, and
  // n == 1 unless batch.
  void WriteBody(uint64_t first_seq, uint32_t n, bool batch, std::string& out) const;
  // Appends message `seq`'s JSON object.
  void AppendMessage(uint64_t seq, std::string& out) const;

  // Appends "+44…" for message `seq`.
  static void AppendDestination(uint64_t seq, std::string& out);
  // Appends message `seq`'s body text (UTF-8, no character JSON must escape).
  static void AppendText(MessageKind kind, uint64_t seq, std::string& out);

  // The seq a client_ref names, when it is one of this run's.
  std::optional<uint64_t> SeqOf(std::string_view client_ref) const;

 private:
  GeneratorOptions options_;
  MixCycle cycle_;
  std::string ref_prefix_;  // "lg<run id>-"
};

}  // namespace deliverer::loadgen
