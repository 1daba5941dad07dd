// common::PeriodicThread: the job runs at once and again after the pause it returns, and
// Stop does not wait out a pause.
#include "common/periodic_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace deliverer::common {
namespace {

using std::chrono::milliseconds;

TEST(PeriodicThreadTest, RunsAtOnceThenAfterThePauseItsJobReturns) {
  std::atomic<int> runs = 0;
  std::promise<void> third;
  PeriodicThread thread;
  thread.Start("test", [&] {
    if (++runs == 3) third.set_value();
    return milliseconds(runs < 3 ? 1 : 3'600'000);
  });
  third.get_future().wait();
  thread.Stop();
  EXPECT_EQ(runs.load(), 3);
}

TEST(PeriodicThreadTest, StopCutsAPauseShortAndTellsTheJob) {
  std::promise<void> ran;
  PeriodicThread thread;
  thread.Start("test", [&] {
    ran.set_value();
    return milliseconds(3'600'000);
  });
  ran.get_future().wait();
  EXPECT_FALSE(thread.stopping());
  const auto before = std::chrono::steady_clock::now();
  thread.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(60));
  EXPECT_TRUE(thread.stopping());
  thread.Stop();  // a second Stop is harmless
}

}  // namespace
}  // namespace deliverer::common
