#include "loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace deliverer::loadgen {
namespace {

// 2^kSubBits buckets per power of two; values below 2^(kSubBits + 1) get one bucket each.
constexpr unsigned kSubBits = 7;
constexpr uint64_t kSubCount = uint64_t{1} << kSubBits;  // 128

}  // namespace

Histogram::Histogram() : counts_(kBucketCount, 0) {}

size_t Histogram::BucketOf(uint64_t value) {
  if (value < kSubCount) return static_cast<size_t>(value);
  // The top kSubBits + 1 bits of the value: its power of two and the sub-bucket within it.
  const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= kSubBits
  const unsigned shift = exponent - kSubBits;
  const uint64_t mantissa = value >> shift;  // in [kSubCount, 2 * kSubCount)
  return static_cast<size_t>(kSubCount + shift * kSubCount + (mantissa - kSubCount));
}

uint64_t Histogram::UpperBound(size_t bucket) {
  if (bucket < kSubCount) return bucket;
  const uint64_t shift = (bucket - kSubCount) / kSubCount;
  const uint64_t mantissa = kSubCount + (bucket - kSubCount) % kSubCount;
  if (shift == 0) return mantissa;
  if (mantissa == 2 * kSubCount - 1 && shift + kSubBits + 1 >= 64) return UINT64_MAX;
  return ((mantissa + 1) << shift) - 1;
}

void Histogram::Record(uint64_t value) {
  ++counts_[BucketOf(value)];
  ++count_;
  max_ = std::max(max_, value);
  min_ = std::min(min_, value);
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

uint64_t Histogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(UpperBound(i), max_);
  }
  return max_;
}

}  // namespace deliverer::loadgen
