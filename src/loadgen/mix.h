#pragma once
// The message mix of `deliverer bench --mix gsm7:70,ucs2:10,multipart:20`: which kinds of
// message a run sends, in which proportions. Pure, thread-safe once built.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace deliverer::loadgen {

// gsm7: one GSM-7 segment; ucs2: one UCS-2 segment (the body holds an emoji);
// multipart: three concatenated GSM-7 segments.
enum class MessageKind : uint8_t { kGsm7, kUcs2, kMultipart };
inline constexpr size_t kKindCount = 3;

std::string_view KindName(MessageKind kind);

struct Mix {
  std::array<uint32_t, kKindCount> weights{};  // by MessageKind; at least one non-zero
};

inline constexpr uint32_t kMaxMixWeight = 10'000;

// "gsm7:70,ucs2:10,multipart:20": comma-separated KIND:WEIGHT pairs, each kind at most
// once, weights integers 0 … kMaxMixWeight, not all 0; an omitted kind weighs 0.
// Errors: code "invalid_value", field "mix".
Result<Mix> ParseMix(std::string_view text);
// The canonical spelling, kinds in enum order, zero weights left out.
std::string MixToString(const Mix& mix);

// The kind of every message of a run, spread evenly: the weights, divided by their
// greatest common divisor, give a cycle in which each kind appears `weight` times,
// interleaved (smooth weighted round robin) rather than in runs, so any window of
// messages holds the mix's proportions.
class MixCycle {
 public:
  explicit MixCycle(const Mix& mix);
  MessageKind At(uint64_t seq) const { return cycle_[seq % cycle_.size()]; }
  size_t length() const { return cycle_.size(); }

 private:
  std::vector<MessageKind> cycle_;
};

}  // namespace deliverer::loadgen
