// The one-timer scheduler: order of due entries, and handlers that add more.
#include "sim/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace deliverer::sim {
namespace {

using std::chrono::milliseconds;

TEST(SimDueQueueTest, EarliestFirstThenInsertionOrder) {
  DueQueue queue;
  const Steady::time_point t0{};
  queue.Push(t0 + milliseconds(5), Due::kReceipt, 1, 0);
  queue.Push(t0 + milliseconds(1), Due::kResend, 2, 0);
  queue.Push(t0 + milliseconds(5), Due::kReceipt, 3, 0);
  queue.Push(t0 + milliseconds(5), Due::kAckDeadline, 4, 9);
  queue.Push(t0, Due::kTick, 5, 0);
  std::vector<uint64_t> keys;
  while (!queue.empty()) keys.push_back(queue.Pop().key);
  EXPECT_EQ(keys, (std::vector<uint64_t>{5, 2, 1, 3, 4}));
}

// Whatever mix of in-order (FIFO) and out-of-order (heap) entries, Pop yields them
// sorted by time, ties in insertion order.
TEST(SimDueQueueTest, MixedArrivalsComeOutSorted) {
  DueQueue queue;
  const Steady::time_point t0{};
  std::vector<std::pair<int64_t, uint64_t>> expected;  // (at, key)
  uint64_t state = 12345;
  for (uint64_t key = 0; key < 5000; ++key) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // Mostly increasing times (like ack deadlines), sometimes earlier ones (like delays).
    const int64_t at = (state >> 60) < 3 ? static_cast<int64_t>(key) - static_cast<int64_t>((state >> 33) % 500)
                                         : static_cast<int64_t>(key) + 1000;
    queue.Push(t0 + milliseconds(at), Due::kReceipt, key, 0);
    expected.emplace_back(at, key);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [at, key] : expected) {
    ASSERT_FALSE(queue.empty());
    const DueEntry entry = queue.Pop();
    ASSERT_EQ(entry.key, key);
    ASSERT_EQ(entry.at, t0 + milliseconds(at));
  }
  EXPECT_TRUE(queue.empty());
}

TEST(SimSchedulerTest, RunsHandlersInDueOrder) {
  boost::asio::io_context io;
  Scheduler scheduler(io);
  std::vector<uint64_t> ran;
  scheduler.SetHandler(Due::kReceipt, [&](uint64_t key, uint32_t) { ran.push_back(key); });
  const Steady::time_point now = Steady::now();
  scheduler.Add(now + milliseconds(30), Due::kReceipt, 3);
  scheduler.Add(now + milliseconds(10), Due::kReceipt, 1);  // earlier: re-arms the timer
  scheduler.Add(now + milliseconds(20), Due::kReceipt, 2);
  scheduler.Add(now, Due::kReceipt, 0);
  io.run();
  EXPECT_EQ(ran, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(SimSchedulerTest, HandlersMayAddEntries) {
  boost::asio::io_context io;
  Scheduler scheduler(io);
  std::vector<uint64_t> ran;
  scheduler.SetHandler(Due::kTick, [&](uint64_t key, uint32_t aux) {
    ran.push_back(key);
    if (key < 5) scheduler.AddAfter(milliseconds(aux), Due::kTick, key + 1, aux);
  });
  scheduler.AddAfter(milliseconds(0), Due::kTick, 1, 0);   // chain due at once
  scheduler.AddAfter(milliseconds(1), Due::kTick, 10, 0);  // after the chain's first steps
  io.run();
  ASSERT_EQ(ran.size(), 6u);
  EXPECT_EQ(ran.front(), 1u);
  EXPECT_EQ(std::count(ran.begin(), ran.end(), 10u), 1);
}

TEST(SimSchedulerTest, StopDropsWhatIsLeft) {
  boost::asio::io_context io;
  Scheduler scheduler(io);
  int ran = 0;
  scheduler.SetHandler(Due::kReceipt, [&](uint64_t, uint32_t) { ++ran; });
  scheduler.AddAfter(milliseconds(1), Due::kReceipt, 1);
  scheduler.Stop();
  scheduler.AddAfter(milliseconds(1), Due::kReceipt, 2);
  io.run();
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace deliverer::sim
