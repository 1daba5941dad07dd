#include "queue/embedded/embedded_queue.h"

#include <gtest/gtest.h>

#include <set>
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

class CountingConsumer : public Consumer {
 public:
  void Notify() override { ++notified; }
  int notified = 0;
};

TEST(EmbeddedQueueTest, OneDestinationGoesOutInAcceptanceOrderOneAtATime) {
  EmbeddedQueue queue(16);
  queue.Publish({Make("a", "+441"), Make("b", "+441"), Make("c", "+441")});
  auto first = queue.Take(0, 10);
  EXPECT_EQ(Ids(first), std::vector<std::string>{"a"}) << "the partition holds one out at a time";
  EXPECT_TRUE(queue.Take(0, 10).empty());
  queue.Ack(first[0]);
  auto second = queue.Take(0, 10);
  EXPECT_EQ(Ids(second), std::vector<std::string>{"b"});
  queue.Ack(second[0]);
  EXPECT_EQ(Ids(queue.Take(0, 10)), std::vector<std::string>{"c"});
}

TEST(EmbeddedQueueTest, DifferentPartitionsGoOutTogether) {
  EmbeddedQueue queue(1024);
  std::vector<Delivery> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(Make(std::to_string(i), "+44" + std::to_string(i)));
  queue.Publish(batch);
  std::set<size_t> partitions;
  for (const auto& d : batch) partitions.insert(queue.PartitionOf(d.destination));
  EXPECT_EQ(queue.Take(0, 1000).size(), partitions.size());
}

TEST(EmbeddedQueueTest, TakeHonoursMax) {
  EmbeddedQueue queue(1024);
  for (int i = 0; i < 10; ++i) queue.Publish({Make(std::to_string(i), "+44" + std::to_string(i))});
  EXPECT_EQ(queue.Take(0, 3).size(), 3u);
}

TEST(EmbeddedQueueTest, HighPriorityFirstWithinAPartition) {
  EmbeddedQueue queue(1);
  queue.Publish({Make("low", "+1", Priority::kLow), Make("normal", "+2"),
                 Make("high", "+3", Priority::kHigh)});
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto taken = queue.Take(0, 1);
    ASSERT_EQ(taken.size(), 1u);
    order.push_back(taken[0].message_id);
    queue.Ack(taken[0]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"high", "normal", "low"}));
}

TEST(EmbeddedQueueTest, RetryFreesThePartitionAndComesBackWhenDue) {
  EmbeddedQueue queue(16);
  queue.Publish({Make("a", "+441"), Make("b", "+441")});
  auto a = queue.Take(1000, 10);
  queue.Retry(a[0], 5000);
  EXPECT_EQ(queue.NextRetryAt(), 5000);
  auto b = queue.Take(1000, 10);
  EXPECT_EQ(Ids(b), std::vector<std::string>{"b"}) << "the retry does not block the partition";
  queue.Ack(b[0]);
  EXPECT_TRUE(queue.Take(4999, 10).empty());
  EXPECT_EQ(Ids(queue.Take(5000, 10)), std::vector<std::string>{"a"});
  EXPECT_EQ(queue.NextRetryAt(), std::nullopt);
}

TEST(EmbeddedQueueTest, RetriesDueTogetherKeepTheirOrder) {
  EmbeddedQueue queue(1024);
  for (const char* id : {"x", "y", "z"}) {
    queue.Publish({Make(id, std::string("+44") + id)});
    auto taken = queue.Take(0, 1);
    queue.Retry(taken[0], 100);
  }
  EXPECT_EQ(Ids(queue.Take(100, 10)).size(), 3u);
}

TEST(EmbeddedQueueTest, DepthCountsUntilAck) {
  EmbeddedQueue queue(16);
  queue.Publish({Make("a", "+441"), Make("b", "+442")});
  EXPECT_EQ(queue.Depth(), 2u);
  auto taken = queue.Take(0, 10);
  EXPECT_EQ(queue.Depth(), 2u);
  queue.Retry(taken[0], 10);
  EXPECT_EQ(queue.Depth(), 2u);
  queue.Ack(taken[1]);
  EXPECT_EQ(queue.Depth(), 1u);
}

TEST(EmbeddedQueueTest, ConsumerIsToldOfPublishAckAndRetry) {
  EmbeddedQueue queue(16);
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
