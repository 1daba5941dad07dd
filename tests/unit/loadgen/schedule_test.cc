#include "loadgen/schedule.h"

#include <gtest/gtest.h>

namespace deliverer::loadgen {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

RunPlan OpenLoop(double rate, uint32_t per_request = 1) {
  RunPlan plan;
  plan.rate = rate;
  plan.per_request = per_request;
  plan.duration = seconds(10);
  return plan;
}

TEST(ScheduleTest, OpenLoopSlotsAreEvenlySpacedAtTheRate) {
  Schedule schedule(OpenLoop(1000));
  EXPECT_TRUE(schedule.open_loop());
  EXPECT_EQ(schedule.Due(0), Nanos(0));
  EXPECT_EQ(schedule.Due(1), milliseconds(1));
  EXPECT_EQ(schedule.Due(1000), seconds(1));
  EXPECT_EQ(schedule.Due(9999), milliseconds(9999));
}

TEST(ScheduleTest, DueTimesDoNotDriftOverALongRun) {
  Schedule schedule(OpenLoop(3));  // 333.33… ms apart: a running sum would drift
  EXPECT_EQ(schedule.Due(3), seconds(1));
  EXPECT_EQ(schedule.Due(3'000'000), seconds(1'000'000));
  EXPECT_EQ(schedule.Due(1), Nanos(333'333'333));
}

TEST(ScheduleTest, BatchesSpreadTheRateOverRequests) {
  Schedule schedule(OpenLoop(1000, 100));  // 1000 messages/s in requests of 100: 10 requests/s
  EXPECT_EQ(schedule.Due(1), milliseconds(100));
  EXPECT_EQ(schedule.FirstSeq(3), 300U);
  EXPECT_EQ(schedule.MessagesIn(3), 100U);
}

TEST(ScheduleTest, OpenLoopDurationClaimsOnlySlotsDueWithinIt) {
  Schedule schedule(OpenLoop(100));  // 10 s: slots 0 … 999 are due within it
  EXPECT_EQ(schedule.SlotsDueWithinDuration(), 1000U);
  EXPECT_TRUE(schedule.MayClaim(999, seconds(9)));
  EXPECT_FALSE(schedule.MayClaim(1000, seconds(9)));
  // Past the duration, nothing more is taken even if it was due: the target fell behind.
  EXPECT_FALSE(schedule.MayClaim(500, seconds(10)));
}

TEST(ScheduleTest, SlotsDueWithinDurationRoundsUpPartialIntervals) {
  RunPlan plan = OpenLoop(3);
  plan.duration = milliseconds(1000);  // due at 0, 333, 667 ms; 1000 ms is not within
  EXPECT_EQ(Schedule(plan).SlotsDueWithinDuration(), 3U);
  plan.duration = milliseconds(1001);
  EXPECT_EQ(Schedule(plan).SlotsDueWithinDuration(), 4U);
}

TEST(ScheduleTest, CountEndsTheRunWhateverTheTime) {
  RunPlan plan;
  plan.rate = 100;
  plan.per_request = 30;
  plan.count = 100;  // slots of 30, 30, 30, 10
  Schedule schedule(plan);
  EXPECT_EQ(schedule.MessagesIn(0), 30U);
  EXPECT_EQ(schedule.MessagesIn(3), 10U);
  EXPECT_EQ(schedule.MessagesIn(4), 0U);
  EXPECT_TRUE(schedule.MayClaim(3, seconds(3600)));
  EXPECT_FALSE(schedule.MayClaim(4, Nanos(0)));
  EXPECT_EQ(schedule.SlotsDueWithinDuration(), 0U);
}

TEST(ScheduleTest, ClosedLoopClaimsUntilTheDurationEnds) {
  RunPlan plan;
  plan.duration = seconds(2);
  Schedule schedule(plan);
  EXPECT_FALSE(schedule.open_loop());
  EXPECT_TRUE(schedule.MayClaim(1'000'000'000, milliseconds(1999)));
  EXPECT_FALSE(schedule.MayClaim(0, seconds(2)));
  EXPECT_EQ(schedule.SlotsDueWithinDuration(), 0U);
}

}  // namespace
}  // namespace deliverer::loadgen
