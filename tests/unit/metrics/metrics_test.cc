#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

namespace deliverer::metrics {
namespace {

TEST(MetricsTest, CounterRendersExactly) {
  Registry registry;
  registry.Counter("deliverer_messages_sent_total", "Messages sent.", {{"carrier", "sim-b"}})
      .Inc(2);
  registry.Counter("deliverer_messages_sent_total", "Messages sent.", {{"carrier", "sim-a"}}).Inc();
  EXPECT_EQ(registry.Render(),
            "# HELP deliverer_messages_sent_total Messages sent.\n"
            "# TYPE deliverer_messages_sent_total counter\n"
            "deliverer_messages_sent_total{carrier=\"sim-a\"} 1\n"
            "deliverer_messages_sent_total{carrier=\"sim-b\"} 2\n");
}

TEST(MetricsTest, GaugeRendersExactly) {
  Registry registry;
  Gauge& depth = registry.Gauge("deliverer_queue_depth", "Messages waiting.");
  depth.Set(10);
  depth.Add(2.5);
  depth.Sub(1);
  EXPECT_EQ(registry.Render(),
            "# HELP deliverer_queue_depth Messages waiting.\n"
            "# TYPE deliverer_queue_depth gauge\n"
            "deliverer_queue_depth 11.5\n");
}

TEST(MetricsTest, LabelledHistogramRendersExactly) {
  Registry registry;
  Histogram& h = registry.Histogram("deliverer_http_request_duration_seconds", "Latency.",
                                    {{"route", "/v1/messages"}}, {0.125, 0.5, 1});
  h.Observe(0.0625);
  h.Observe(0.125);  // bounds are inclusive
  h.Observe(0.25);
  h.Observe(7);
  EXPECT_EQ(
      registry.Render(),
      "# HELP deliverer_http_request_duration_seconds Latency.\n"
      "# TYPE deliverer_http_request_duration_seconds histogram\n"
      "deliverer_http_request_duration_seconds_bucket{route=\"/v1/messages\",le=\"0.125\"} 2\n"
      "deliverer_http_request_duration_seconds_bucket{route=\"/v1/messages\",le=\"0.5\"} 3\n"
      "deliverer_http_request_duration_seconds_bucket{route=\"/v1/messages\",le=\"1\"} 3\n"
      "deliverer_http_request_duration_seconds_bucket{route=\"/v1/messages\",le=\"+Inf\"} 4\n"
      "deliverer_http_request_duration_seconds_sum{route=\"/v1/messages\"} 7.4375\n"
      "deliverer_http_request_duration_seconds_count{route=\"/v1/messages\"} 4\n");
}

TEST(MetricsTest, DefaultBucketsSpanHalfAMillisecondToTenSeconds) {
  const std::vector<double>& buckets = DefaultLatencyBuckets();
  ASSERT_FALSE(buckets.empty());
  EXPECT_DOUBLE_EQ(buckets.front(), 0.0005);
  EXPECT_DOUBLE_EQ(buckets.back(), 10);
  Registry registry;
  registry.Histogram("h_seconds", "h").Observe(0.002);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("h_seconds_bucket{le=\"0.0005\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{le=\"0.0025\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{le=\"10\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.Counter("c_total", "Help with \\ and\nnewline \"quoted\".",
                   {{"reason", "a\\b \"q\"\nnext"}});
  EXPECT_EQ(registry.Render(),
            "# HELP c_total Help with \\\\ and\\nnewline \"quoted\".\n"
            "# TYPE c_total counter\n"
            "c_total{reason=\"a\\\\b \\\"q\\\"\\nnext\"} 0\n");
}

TEST(MetricsTest, DeclaredFamilyWithoutChildrenAppears) {
  Registry registry;
  registry.DeclareCounter("deliverer_messages_failed_total", "Failures.");
  registry.DeclareHistogram("deliverer_submit_latency_seconds", "Submit latency.");
  EXPECT_EQ(registry.Render(),
            "# HELP deliverer_messages_failed_total Failures.\n"
            "# TYPE deliverer_messages_failed_total counter\n"
            "# HELP deliverer_submit_latency_seconds Submit latency.\n"
            "# TYPE deliverer_submit_latency_seconds histogram\n");
}

TEST(MetricsTest, FamiliesSortedByNameAndLabelsSortedByName) {
  Registry registry;
  registry.Counter("z_total", "z").Inc();
  registry.Counter("a_total", "a", {{"reason", "r"}, {"carrier", "c"}}).Inc(3);
  EXPECT_EQ(registry.Render(),
            "# HELP a_total a\n"
            "# TYPE a_total counter\n"
            "a_total{carrier=\"c\",reason=\"r\"} 3\n"
            "# HELP z_total z\n"
            "# TYPE z_total counter\n"
            "z_total 1\n");
}

TEST(MetricsTest, SameNameAndLabelsReturnTheSameObject) {
  Registry registry;
  Counter& a = registry.Counter("x_total", "x", {{"k", "1"}, {"j", "2"}});
  Counter& b = registry.Counter("x_total", "x", {{"j", "2"}, {"k", "1"}});
  Counter& other = registry.Counter("x_total", "x", {{"j", "2"}, {"k", "3"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &other);
  // Adding many more children must not move the first one.
  for (int i = 0; i < 1000; ++i) {
    registry.Counter("x_total", "x", {{"j", "2"}, {"k", std::to_string(i + 10)}});
  }
  EXPECT_EQ(&registry.Counter("x_total", "x", {{"k", "1"}, {"j", "2"}}), &a);
}

TEST(MetricsTest, SpecialValuesUsePrometheusSpelling) {
  Registry registry;
  registry.Gauge("g", "g", {{"v", "inf"}}).Set(std::numeric_limits<double>::infinity());
  registry.Gauge("g", "g", {{"v", "neg"}}).Set(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(registry.Render(),
            "# HELP g g\n"
            "# TYPE g gauge\n"
            "g{v=\"inf\"} +Inf\n"
            "g{v=\"neg\"} -Inf\n");
}

TEST(MetricsTest, ConcurrentIncrementsFromFourThreadsSum) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry] {
      Counter& counter = registry.Counter("n_total", "n", {{"k", "v"}});
      Histogram& histogram = registry.Histogram("h_seconds", "h", {}, {1});
      for (int i = 0; i < kPerThread; ++i) {
        counter.Inc();
        histogram.Observe(0.5);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(registry.Counter("n_total", "n", {{"k", "v"}}).Value(), kThreads * kPerThread);
  const Histogram::Snapshot snapshot = registry.Histogram("h_seconds", "h", {}, {1}).Read();
  EXPECT_EQ(snapshot.count, uint64_t{kThreads * kPerThread});
  EXPECT_DOUBLE_EQ(snapshot.sum, 0.5 * kThreads * kPerThread);
}

}  // namespace
}  // namespace deliverer::metrics
