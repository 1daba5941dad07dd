// The client against the test run's RabbitMQ (rabbitmq/client.h): publishes confirmed,
// consumed and acked; an unacked message comes back to the next connection. Each test
// uses queues of its own.
#include "rabbitmq/client.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "support/services.h"

namespace deliverer::rabbitmq {
namespace {

std::string FreshQueue() {
  std::random_device random;
  return "test.client." + std::to_string(random());
}

Endpoint TestBroker() {
  auto endpoint = ParseUrl(test_support::ServiceUrl("rabbitmq"));
  if (!endpoint.ok()) throw std::runtime_error(endpoint.error().detail);
  return *endpoint;
}

Client::Options Fast() { return Client::Options{std::chrono::milliseconds(3000), 0, "test"}; }

// A client with publisher confirms on, `queue` declared.
std::unique_ptr<Client> PublisherTo(const std::string& queue) {
  auto client = std::make_unique<Client>(TestBroker(), Fast());
  EXPECT_TRUE(client->Connect().ok());
  EXPECT_TRUE(client->EnableConfirms().ok());
  EXPECT_TRUE(client->DeclareQueue(queue, true).ok());
  return client;
}

// Every message of the consumer within `wait` each.
std::vector<Message> Drain(Client& client, std::chrono::milliseconds wait = std::chrono::milliseconds(500)) {
  std::vector<Message> out;
  for (;;) {
    auto next = client.Next(wait);
    if (!next.ok()) {
      ADD_FAILURE() << next.error().detail;
      return out;
    }
    if (!next->has_value()) return out;
    out.push_back(std::move(**next));
  }
}

TEST(RabbitmqClient, PublishesConfirmedAndConsumesInOrder) {
  const std::string queue = FreshQueue();
  auto publisher = PublisherTo(queue);
  std::vector<std::pair<std::string, std::string>> batch;
  for (int i = 0; i < 300; ++i) batch.emplace_back(queue, "m" + std::to_string(i));
  ASSERT_TRUE(publisher->Publish(batch).ok());
  ASSERT_TRUE(publisher->Publish({{queue, "last"}}).ok()) << "a second batch on the same channel";
  EXPECT_EQ(*publisher->ReadyCount(queue), 301u);

  Client consumer(TestBroker(), Fast());
  ASSERT_TRUE(consumer.Connect().ok());
  ASSERT_TRUE(consumer.Consume(queue, 1000).ok());
  std::vector<Message> got = Drain(consumer);
  ASSERT_EQ(got.size(), 301u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(got[i].body, "m" + std::to_string(i));
  EXPECT_EQ(got.back().body, "last");
  EXPECT_EQ(got.front().queue, queue);
  for (const Message& m : got) ASSERT_TRUE(consumer.Ack(m.delivery_tag).ok());
  // No check that they are gone once it closes: an ack has no answer, and a quorum queue
  // may take the consumer's end before its last acks (at least once, not exactly once).
}

TEST(RabbitmqClient, WhatWasNotAckedComesBackToTheNextConnectionInOrder) {
  const std::string queue = FreshQueue();
  auto publisher = PublisherTo(queue);
  ASSERT_TRUE(publisher->Publish({{queue, "a"}, {queue, "b"}}).ok());

  Client first(TestBroker(), Fast());
  ASSERT_TRUE(first.Connect().ok());
  ASSERT_TRUE(first.Consume(queue, 10).ok());
  ASSERT_EQ(Drain(first).size(), 2u);
  first.Close();  // neither acked

  Client second(TestBroker(), Fast());
  ASSERT_TRUE(second.Connect().ok());
  ASSERT_TRUE(second.Consume(queue, 10).ok());
  std::vector<Message> again = Drain(second);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].body, "a");
  EXPECT_EQ(again[1].body, "b");
  EXPECT_TRUE(again[0].redelivered);
}

TEST(RabbitmqClient, NoBrokerIsAnErrorNotAHang) {
  Endpoint nowhere = TestBroker();
  nowhere.port = 1;  // nothing listens
  Client client(nowhere, Fast());
  Status s = client.Connect();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "rabbitmq_unavailable");
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(client.Publish({{"q", "x"}}).error().code, "rabbitmq_unavailable");

  Endpoint wrong = TestBroker();
  wrong.password = "not-the-password";
  Client refused(wrong, Fast());
  Status login = refused.Connect();
  ASSERT_FALSE(login.ok());
  EXPECT_EQ(login.error().detail.find("not-the-password"), std::string::npos) << login.error().detail;
}

}  // namespace
}  // namespace deliverer::rabbitmq
