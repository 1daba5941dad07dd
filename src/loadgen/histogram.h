#pragma once
// A log-bucketed latency histogram in the manner of HdrHistogram, fixed in size
// (7,424 counters, 58 KiB) whatever the number of samples, so a run of millions of
// messages records them in O(1) each with no allocation.
//
// Values are non-negative integers (the bench records microseconds). Values below 256 are
// exact; above, each power of two is split into 128 buckets, so a bucket spans at most
// 1/128 of its lower bound. A percentile is reported as its bucket's upper bound (never
// below the true sample, at most 0.8 % above it), capped at the largest sample seen.
//
// Not thread-safe; copyable.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace deliverer::loadgen {

class Histogram {
 public:
  Histogram();

  void Record(uint64_t value);
  // Adds every sample of `other`.
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }

  // The value at quantile q (0 … 1): that of the sample of rank ceil(q * count) (at least 1)
  // in sorted order, as described above. 0 when empty.
  uint64_t Percentile(double q) const;

  // Exposed for tests: the bucket a value falls in and the largest value of a bucket.
  static size_t BucketOf(uint64_t value);
  static uint64_t UpperBound(size_t bucket);
  static constexpr size_t kBucketCount = 7424;

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace deliverer::loadgen
