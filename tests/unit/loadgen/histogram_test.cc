#include "loadgen/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace deliverer::loadgen {
namespace {

TEST(HistogramTest, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0U);
  EXPECT_EQ(h.Percentile(0.5), 0U);
  EXPECT_EQ(h.max(), 0U);
  EXPECT_EQ(h.min(), 0U);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 0; v < 256; ++v) {
    EXPECT_EQ(Histogram::UpperBound(Histogram::BucketOf(v)), v);
    h.Record(v);
  }
  EXPECT_EQ(h.Percentile(0.5), 127U);  // rank 128 of 0 … 255
  EXPECT_EQ(h.Percentile(1.0), 255U);
  EXPECT_EQ(h.Percentile(0.0), 0U);  // rank 1
}

TEST(HistogramTest, BucketsCoverEveryValueWithinOnePart128) {
  const uint64_t values[] = {256,
                             257,
                             1000,
                             65'535,
                             65'536,
                             1'000'000,
                             123'456'789,
                             (uint64_t{1} << 40) + 12345,
                             UINT64_MAX / 3,
                             UINT64_MAX};
  for (uint64_t v : values) {
    const size_t bucket = Histogram::BucketOf(v);
    ASSERT_LT(bucket, Histogram::kBucketCount) << v;
    const uint64_t upper = Histogram::UpperBound(bucket);
    EXPECT_GE(upper, v);
    EXPECT_LE(static_cast<double>(upper - v), static_cast<double>(v) / 128.0) << v;
    if (bucket > 0) {
      EXPECT_LT(Histogram::UpperBound(bucket - 1), v) << v;  // v is in no lower bucket
    }
  }
  EXPECT_EQ(Histogram::BucketOf(UINT64_MAX), Histogram::kBucketCount - 1);
  EXPECT_EQ(Histogram::UpperBound(Histogram::kBucketCount - 1), UINT64_MAX);
}

TEST(HistogramTest, BucketsAreContiguousAndIncreasing) {
  for (size_t b = 1; b < Histogram::kBucketCount; ++b) {
    ASSERT_EQ(Histogram::BucketOf(Histogram::UpperBound(b - 1) + 1), b) << b;
  }
}

TEST(HistogramTest, PercentilesMatchSortedSamplesWithinTheBucketWidth) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(std::log(10'000.0), 0.8);  // ~10 ms in µs, long tail
  std::vector<uint64_t> samples;
  Histogram h;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<uint64_t>(latency(rng));
    samples.push_back(v);
    h.Record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size())));
    const uint64_t exact = samples[rank - 1];
    const uint64_t reported = h.Percentile(q);
    EXPECT_GE(reported, exact) << q;
    EXPECT_LE(static_cast<double>(reported), static_cast<double>(exact) * (1 + 1.0 / 128)) << q;
  }
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.Percentile(1.0), samples.back());
}

TEST(HistogramTest, PercentilesAreOrderedAndCappedAtTheMax) {
  Histogram h;
  for (uint64_t v : {1000, 1001, 5000, 123'457}) h.Record(v);
  EXPECT_LE(h.Percentile(0.5), h.Percentile(0.9));
  EXPECT_LE(h.Percentile(0.9), h.Percentile(0.99));
  EXPECT_LE(h.Percentile(0.99), h.Percentile(0.999));
  EXPECT_EQ(h.Percentile(0.999), 123'457U);  // its bucket reaches higher, the max does not
}

TEST(HistogramTest, MergeAddsSamples) {
  Histogram a, b;
  a.Record(10);
  b.Record(20);
  b.Record(30);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3U);
  EXPECT_EQ(a.max(), 30U);
  EXPECT_EQ(a.min(), 10U);
  EXPECT_EQ(a.Percentile(0.5), 20U);
}

}  // namespace
}  // namespace deliverer::loadgen
