#include "queue/embedded/embedded_queue.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace deliverer::queue {
namespace {

using model::Priority;

Delivery Make(std::string id, std::string to, Priority priority = Priority::kNormal) {
  return Delivery{.message_id = std::move(id), .destination = std::move(to), .priority = priority};
}

std::vector<std::string> Ids(const std::vector<Delivery>& deliveries) {
  std::vector<std::string> out;
  for (const auto& d : deliveries) out.push_back(d.message_id);
  return out;
}

// Takes one delivery at `now_ms` and acks it at once, until nothing is takeable: the ids in
// the order they went out.
std::vector<std::string> DrainOneByOne(EmbeddedQueue& queue, int64_t now_ms) {
  std::vector<std::string> order;
  for (auto taken = queue.Take(now_ms, 1); !taken.empty(); taken = queue.Take(now_ms, 1)) {
    order.push_back(taken[0].message_id);
    queue.Ack(taken[0]);
  }
  return order;
}

class CountingConsumer : public Consumer {
 public:
  void Notify() override { ++notified; }
  int notified = 0;
};

TEST(EmbeddedQueueTest, OneDestinationGoesOutInAcceptanceOrderOneAtATime) {
  EmbeddedQueue queue;
  queue.Publish({Make("a", "+441"), Make("b", "+441"), Make("c", "+441")});
  auto first = queue.Take(0, 10);
  EXPECT_EQ(Ids(first), std::vector<std::string>{"a"}) << "the destination holds one out at a time";
  EXPECT_TRUE(queue.Take(0, 10).empty());
  queue.Ack(first[0]);
  auto second = queue.Take(0, 10);
  EXPECT_EQ(Ids(second), std::vector<std::string>{"b"});
  queue.Ack(second[0]);
  EXPECT_EQ(Ids(queue.Take(0, 10)), std::vector<std::string>{"c"});
}

TEST(EmbeddedQueueTest, EveryDestinationGoesOutAtOnce) {
  EmbeddedQueue queue;
  std::vector<Delivery> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(Make(std::to_string(i), "+44" + std::to_string(i)));
  queue.Publish(batch);
  EXPECT_EQ(queue.Take(0, 5000).size(), 1000u) << "no partition count caps what is out";
}

// The regression behind the change: with 64 hash partitions (the old default), two numbers
// in one bucket took turns even though nothing orders one after the other.
TEST(EmbeddedQueueTest, DestinationsThatSharedAPartitionGoOutTogether) {
  constexpr size_t kOldPartitions = 64;
  auto bucket = [](const std::string& to) { return std::hash<std::string>{}(to) % kOldPartitions; };
  const std::string first = "+442079460000";
  std::string second;
  for (int i = 1; second.empty(); ++i) {
    const std::string candidate = "+44207946" + std::to_string(1000 + i);
    if (bucket(candidate) == bucket(first)) second = candidate;
  }
  EmbeddedQueue queue;
  queue.Publish({Make("a", first), Make("b", second)});
  EXPECT_EQ(Ids(queue.Take(0, 10)), (std::vector<std::string>{"a", "b"}));
}

TEST(EmbeddedQueueTest, ADestinationWithOneOutGivesNothingMoreUntilAckOrRetry) {
  EmbeddedQueue queue;
  queue.Publish({Make("a", "+441"), Make("b", "+441")});
  auto a = queue.Take(0, 10);
  ASSERT_EQ(Ids(a), std::vector<std::string>{"a"});
  queue.Publish({Make("high", "+441", Priority::kHigh)});
  EXPECT_TRUE(queue.Take(0, 10).empty()) << "not even for a high-priority message";
  queue.Retry(a[0], 1000);
  auto high = queue.Take(0, 10);
  ASSERT_EQ(Ids(high), std::vector<std::string>{"high"}) << "Retry freed the destination";
  EXPECT_TRUE(queue.Take(0, 10).empty());
  queue.Ack(high[0]);
  EXPECT_EQ(Ids(queue.Take(0, 10)), std::vector<std::string>{"b"}) << "Ack freed it";
}

TEST(EmbeddedQueueTest, HighPriorityFirstWithinADestination) {
  EmbeddedQueue queue;
  queue.Publish({Make("low", "+1", Priority::kLow), Make("normal", "+1"),
                 Make("high", "+1", Priority::kHigh), Make("normal2", "+1")});
  EXPECT_EQ(DrainOneByOne(queue, 0), (std::vector<std::string>{"high", "normal", "normal2", "low"}));
}

TEST(EmbeddedQueueTest, HighPriorityFirstAcrossDestinations) {
  EmbeddedQueue queue;
  queue.Publish({Make("low", "+1", Priority::kLow), Make("normal", "+2"),
                 Make("high", "+3", Priority::kHigh)});
  EXPECT_EQ(DrainOneByOne(queue, 0), (std::vector<std::string>{"high", "normal", "low"}));
}

TEST(EmbeddedQueueTest, OtherDestinationsDoNotDisturbOnesOrder) {
  EmbeddedQueue queue;
  for (int i = 0; i < 5; ++i) {
    queue.Publish({Make("x" + std::to_string(i), "+1"), Make("y" + std::to_string(i), "+2")});
  }
  std::vector<std::string> x;
  for (int round = 0; round < 5; ++round) {
    auto taken = queue.Take(0, 10);
    ASSERT_EQ(taken.size(), 2u) << "one of each destination";
    for (const Delivery& d : taken) {
      if (d.destination == "+1") x.push_back(d.message_id);
      queue.Ack(d);
    }
  }
  EXPECT_EQ(x, (std::vector<std::string>{"x0", "x1", "x2", "x3", "x4"}));
}

TEST(EmbeddedQueueTest, RetryFreesTheDestinationAndComesBackWhenDue) {
  EmbeddedQueue queue;
  queue.Publish({Make("a", "+441"), Make("b", "+441")});
  auto a = queue.Take(1000, 10);
  queue.Retry(a[0], 5000);
  EXPECT_EQ(queue.NextRetryAt(), 5000);
  auto b = queue.Take(1000, 10);
  EXPECT_EQ(Ids(b), std::vector<std::string>{"b"}) << "the retry does not block the destination";
  queue.Ack(b[0]);
  EXPECT_TRUE(queue.Take(4999, 10).empty());
  EXPECT_EQ(Ids(queue.Take(5000, 10)), std::vector<std::string>{"a"});
  EXPECT_EQ(queue.NextRetryAt(), std::nullopt);
}

// A due retry joins its destination behind what waits at its priority by then, and ahead
// of lower priorities, as a fresh publish would.
TEST(EmbeddedQueueTest, ADueRetryQueuesBehindWhatWaitsForItsDestination) {
  EmbeddedQueue queue;
  queue.Publish({Make("a", "+1"), Make("b", "+1")});
  auto a = queue.Take(0, 1);
  queue.Retry(a[0], 100);
  auto b = queue.Take(0, 1);
  ASSERT_EQ(Ids(b), std::vector<std::string>{"b"});
  queue.Publish({Make("c", "+1"), Make("low", "+1", Priority::kLow)});
  EXPECT_TRUE(queue.Take(100, 10).empty()) << "b is still out; a is now waiting";
  queue.Ack(b[0]);
  EXPECT_EQ(DrainOneByOne(queue, 100), (std::vector<std::string>{"c", "a", "low"}));
}

TEST(EmbeddedQueueTest, RetriesDueTogetherKeepTheirOrder) {
  EmbeddedQueue queue;
  for (const char* id : {"x", "y", "z"}) {
    queue.Publish({Make(id, std::string("+44") + id)});
    auto taken = queue.Take(0, 1);
    queue.Retry(taken[0], 100);
  }
  EXPECT_EQ(Ids(queue.Take(100, 10)), (std::vector<std::string>{"x", "y", "z"}));
}

TEST(EmbeddedQueueTest, NextRetryAtIsTheEarliestPendingRetry) {
  EmbeddedQueue queue;
  queue.Publish({Make("a", "+1"), Make("b", "+2")});
  auto taken = queue.Take(0, 10);
  queue.Retry(taken[0], 700);
  queue.Retry(taken[1], 300);
  EXPECT_EQ(queue.NextRetryAt(), 300);
  EXPECT_EQ(Ids(queue.Take(300, 10)), std::vector<std::string>{"b"});
  EXPECT_EQ(queue.NextRetryAt(), 700);
}

TEST(EmbeddedQueueTest, DepthCountsUntilAck) {
  EmbeddedQueue queue;
  queue.Publish({Make("a", "+441"), Make("b", "+442")});
  EXPECT_EQ(queue.Depth(), 2u);
  auto taken = queue.Take(0, 10);
  EXPECT_EQ(queue.Depth(), 2u);
  queue.Retry(taken[0], 10);
  EXPECT_EQ(queue.Depth(), 2u);
  queue.Ack(taken[1]);
  EXPECT_EQ(queue.Depth(), 1u);
}

// Waiting, taken or waiting for a retry, a delivery counts until it is acked.
TEST(EmbeddedQueueTest, OldestQueuedAtIsTheEarliestDeliveryNotYetAcked) {
  EmbeddedQueue queue;
  EXPECT_EQ(queue.OldestQueuedAt(), std::nullopt);
  auto at = [](std::string id, std::string to, int64_t queued_at_ms) {
    Delivery d = Make(std::move(id), std::move(to));
    d.queued_at_ms = queued_at_ms;
    return d;
  };
  queue.Publish({at("b", "+442", 200), at("a", "+441", 100), at("c", "+443", 300)});
  EXPECT_EQ(queue.OldestQueuedAt(), 100);

  auto taken = queue.Take(0, 10);
  ASSERT_EQ(Ids(taken), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(queue.OldestQueuedAt(), 100) << "taken is not done";
  queue.Retry(taken[1], 50);
  EXPECT_EQ(queue.OldestQueuedAt(), 100) << "waiting for its retry is not done";
  queue.Ack(taken[0]);
  EXPECT_EQ(queue.OldestQueuedAt(), 100);
  auto retried = queue.Take(50, 10);
  ASSERT_EQ(Ids(retried), std::vector<std::string>{"a"});
  queue.Ack(retried[0]);
  EXPECT_EQ(queue.OldestQueuedAt(), 300);
  queue.Ack(taken[2]);
  EXPECT_EQ(queue.OldestQueuedAt(), std::nullopt);

  // Two deliveries queued in the same millisecond: acking one leaves the other.
  queue.Publish({at("d", "+444", 400), at("e", "+445", 400)});
  auto same = queue.Take(0, 1);
  queue.Ack(same[0]);
  EXPECT_EQ(queue.OldestQueuedAt(), 400);
}

TEST(EmbeddedQueueTest, ADestinationIsForgottenOnceNothingWaitsAndNothingIsOut) {
  EmbeddedQueue queue;
  std::vector<Delivery> batch;
  for (int i = 0; i < 500; ++i) batch.push_back(Make(std::to_string(i), "+44" + std::to_string(i)));
  batch.push_back(Make("second", "+440"));
  queue.Publish(batch);
  EXPECT_EQ(queue.TrackedDestinations(), 500u);
  auto taken = queue.Take(0, 1000);
  ASSERT_EQ(taken.size(), 500u);
  for (const Delivery& d : taken) queue.Ack(d);
  EXPECT_EQ(queue.TrackedDestinations(), 1u) << "+440 still has a message waiting";
  auto second = queue.Take(0, 10);
  ASSERT_EQ(Ids(second), std::vector<std::string>{"second"});
  queue.Retry(second[0], 50);
  EXPECT_EQ(queue.TrackedDestinations(), 0u) << "a pending retry holds no destination";
  auto retried = queue.Take(50, 10);
  ASSERT_EQ(Ids(retried), std::vector<std::string>{"second"});
  queue.Ack(retried[0]);
  EXPECT_EQ(queue.TrackedDestinations(), 0u);
  EXPECT_EQ(queue.Depth(), 0u);
}

TEST(EmbeddedQueueTest, ConsumerIsToldOfPublishAckAndRetry) {
  EmbeddedQueue queue;
  CountingConsumer consumer;
  queue.Subscribe(&consumer);
  queue.Publish({Make("a", "+441")});
  EXPECT_EQ(consumer.notified, 1);
  auto taken = queue.Take(0, 1);
  queue.Retry(taken[0], 0);
  EXPECT_EQ(consumer.notified, 2);
  taken = queue.Take(0, 1);
  queue.Ack(taken[0]);
  EXPECT_EQ(consumer.notified, 3);
}

}  // namespace
}  // namespace deliverer::queue
