#include "loadgen/observe.h"

#include <gtest/gtest.h>

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace deliverer::loadgen {
namespace {

constexpr const char* kExposition = R"(# HELP deliverer_messages_accepted_total Messages accepted
# TYPE deliverer_messages_accepted_total counter
deliverer_messages_accepted_total{account="acme"} 120
deliverer_messages_accepted_total{account="bench"} 3.5e3
deliverer_messages_accepted_total_extra 999
deliverer_messages_delivered_total{carrier="sim-a",note="a } in a label"} 7 1764000000000
deliverer_queue_depth 4
)";

TEST(SumMetricTest, SumsEverySeriesOfTheMetric) {
  EXPECT_EQ(SumMetric(kExposition, "deliverer_messages_accepted_total"), 3620.0);
  EXPECT_EQ(SumMetric(kExposition, "deliverer_messages_delivered_total"),
            7.0);  // timestamp ignored
  EXPECT_EQ(SumMetric(kExposition, "deliverer_queue_depth"), 4.0);
}

TEST(SumMetricTest, AbsentMetricIsNullopt) {
  EXPECT_FALSE(SumMetric(kExposition, "deliverer_messages_failed_total"));
  EXPECT_FALSE(SumMetric("", "x"));
  EXPECT_FALSE(SumMetric("deliverer_queue_depth notanumber\n", "deliverer_queue_depth"));
}

TEST(CpuTicksTest, ReadsUtimePlusStimeAfterTheCommandName) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
  EXPECT_EQ(
      CpuTicksFromStat("4242 (deliverer) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3"),
      300U);
  EXPECT_EQ(CpuTicksFromStat("7 (we ird) (name)) R 1 7 7 0 -1 0 0 0 0 0 11 22 0 0"), 33U);
  EXPECT_FALSE(CpuTicksFromStat("garbage"));
  EXPECT_FALSE(CpuTicksFromStat("1 (x) S 1 2"));
}

TEST(ThreadCpuTest, TheNameIsWhatTheParenthesesHold) {
  EXPECT_EQ(CommandNameFromStat("4243 (log-sync) S 1 4242 4242 0 -1 0 0 0 0 0 11 22 0 0"), "log-sync");
  EXPECT_EQ(CommandNameFromStat("7 (we ird) (name)) R 1 7"), "we ird) (name)");
  EXPECT_FALSE(CommandNameFromStat("garbage"));
}

TEST(ThreadCpuTest, ThreadsAreSummedByTheirNames) {
  std::atomic<int> named = 0;
  std::atomic<bool> stop = false;
  // Two threads of one name make one entry.
  auto worker = [&] {
    pthread_setname_np(pthread_self(), "observe-pair");
    ++named;
    while (!stop) std::this_thread::yield();
  };
  std::thread a(worker);
  std::thread b(worker);
  while (named < 2) std::this_thread::yield();
  const auto by_name = ThreadCpuSecondsByName(::getpid());
  stop = true;
  a.join();
  b.join();
  EXPECT_EQ(by_name.count("observe-pair"), 1u);
  EXPECT_TRUE(ThreadCpuSecondsByName(-1).empty());
}

TEST(PeakRssTest, ReadsVmHwmInMib) {
  EXPECT_EQ(PeakRssMibFromStatus("Name:\tdeliverer\nVmPeak:\t 900000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t 1024 kB\n"),
            200.0);
  EXPECT_FALSE(PeakRssMibFromStatus("Name:\tdeliverer\nVmRSS:\t 1024 kB\n"));
  EXPECT_FALSE(PeakRssMibFromStatus("VmHWM:\t kB\n"));
  const auto self = ProcessPeakRssMib(::getpid());
  ASSERT_TRUE(self.has_value());
  EXPECT_GT(*self, 1.0);
}

TEST(CpuTicksTest, ReadsThisProcess) {
  EXPECT_TRUE(ProcessCpuSeconds(getpid()).has_value());
  EXPECT_GE(SelfCpuSeconds(), 0.0);
}

TEST(GatewayFiguresTest, RateRunsToWhenTheDeliveredCounterSettled) {
  const MetricSample baseline{0, 100, 40};
  const std::vector<MetricSample> samples = {
      {0.25, 200, 40}, {0.5, 600, 300}, {0.75, 1100, 900}, {1.0, 1100, 1040}, {1.25, 1100, 1040}};
  const GatewayFigures g = GatewayFiguresOf(baseline, samples);
  EXPECT_EQ(g.accepted, 1000U);
  EXPECT_EQ(g.delivered, 1000U);
  EXPECT_TRUE(g.delivered_settled);
  EXPECT_DOUBLE_EQ(g.delivered_per_s, 1000.0);  // reached at 1.0 s
}

TEST(GatewayFiguresTest, StillRisingUsesTheLastSample) {
  const GatewayFigures g = GatewayFiguresOf({0, 0, 0}, {{1.0, 500, 100}, {2.0, 500, 400}});
  EXPECT_FALSE(g.delivered_settled);
  EXPECT_DOUBLE_EQ(g.delivered_per_s, 200.0);
}

TEST(GatewayFiguresTest, NoSamples) {
  const GatewayFigures g = GatewayFiguresOf({0, 0, 0}, {});
  EXPECT_EQ(g.delivered, 0U);
  EXPECT_FALSE(g.delivered_settled);
}

}  // namespace
}  // namespace deliverer::loadgen
