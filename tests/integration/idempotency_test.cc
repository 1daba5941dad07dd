// Idempotent ingress (docs/api.md "Idempotency", docs/reliability.md R2): a replay answers the
// original, a different payload or another account conflicts, and a race of identical
// requests stores one message.
#include <latch>
#include <thread>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

constexpr int kRacers = 100;

class IdempotencyTest : public ::testing::Test {
 protected:
  HttpResponse Submit(const Json& message, const std::string& key) const {
    return server_.Post("/v1/messages", message, key);
  }
  // The account's messages with this client_ref.
  Json WithClientRef(const std::string& client_ref) const {
    HttpResponse list = server_.Get("/v1/messages" + Query({{"client_ref", client_ref}}), key_);
    EXPECT_TRUE(HasStatus(list, 200));
    return list.json.is_object() ? list.json.value("data", Json::array()) : Json::array();
  }

  DelivererProcess server_;
  std::string key_ = server_.CreateKey("acme", kSendRead);
};

Json IdentifiedMessage(const std::string& id, const std::string& client_ref) {
  Json message = Message(kTo, "Your code is 123456");
  message["message_id"] = id;
  message["client_ref"] = client_ref;
  message["ttl"] = 3600;
  return message;
}

// The same JSON value spelled differently: members in reverse order, indented.
std::string Respelled(const Json& message) {
  nlohmann::ordered_json reordered = nlohmann::ordered_json::object();
  for (auto it = message.rbegin(); it != message.rend(); ++it) reordered[it.key()] = *it;
  return reordered.dump(2);
}

TEST_F(IdempotencyTest, ReplayWithTheSamePayloadAnswersTheOriginal) {
  Json message = IdentifiedMessage(NewUuid(), "replay-1");
  HttpResponse first = Submit(message, key_);
  ASSERT_TRUE(HasStatus(first, 202));
  EXPECT_NE(first.Header("Idempotent-Replayed"), "true") << first;

  std::string respelled = Respelled(message);
  ASSERT_NE(respelled, message.dump());
  HttpResponse replay = server_.PostRaw("/v1/messages", respelled, key_);

  ASSERT_TRUE(HasStatus(replay, 200));
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true") << replay;
  EXPECT_EQ(replay.json["message_id"], message["message_id"]);
  EXPECT_EQ(replay.json["created_at"], first.json["created_at"]);
  EXPECT_EQ(replay.json["segments"], first.json["segments"]);
  EXPECT_EQ(replay.json["encoding"], first.json["encoding"]);
  EXPECT_EQ(WithClientRef("replay-1").size(), 1u);
}

TEST_F(IdempotencyTest, SameMessageIdWithDifferentPayloadIs409) {
  Json message = IdentifiedMessage(NewUuid(), "conflict-1");
  ASSERT_TRUE(HasStatus(Submit(message, key_), 202));
  Json changed = message;
  changed["body"] = "Your code is 654321";

  EXPECT_TRUE(IsProblem(Submit(changed, key_), 409, "idempotency_conflict"));
  Json other_destination = message;
  other_destination["to"] = kToFr;
  EXPECT_TRUE(IsProblem(Submit(other_destination, key_), 409, "idempotency_conflict"));
  EXPECT_EQ(WithClientRef("conflict-1").size(), 1u);
}

TEST_F(IdempotencyTest, SameMessageIdFromAnotherAccountIs409) {
  std::string other_key = server_.CreateKey("other-account", kSendRead);
  Json message = IdentifiedMessage(NewUuid(), "global-1");
  ASSERT_TRUE(HasStatus(Submit(message, key_), 202));

  EXPECT_TRUE(IsProblem(Submit(message, other_key), 409, "idempotency_conflict"));
  HttpResponse foreign =
      server_.Get("/v1/messages/" + message["message_id"].get<std::string>(), other_key);
  EXPECT_TRUE(IsProblem(foreign, 404, "not_found"));
}

TEST_F(IdempotencyTest, R2_parallel_identical_posts_store_one_message) {
  Json message = IdentifiedMessage(NewUuid(), "race-" + NewUuid());
  const std::string body = message.dump();
  std::vector<HttpResponse> answers(kRacers);
  std::latch start(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      auto client = server_.NewClient();  // each racer on its own connection
      start.arrive_and_wait();
      answers[i] = ToResponse(client->Post("/v1/messages", Bearer(key_), body, "application/json"));
    });
  }
  for (auto& racer : racers) racer.join();

  const std::string id = message["message_id"].get<std::string>();
  int accepted = 0, replayed = 0;
  EXPECT_TRUE(AllOneMessage(answers, id, accepted, replayed));
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(replayed, kRacers - 1);
  EXPECT_EQ(WithClientRef(message["client_ref"].get<std::string>()).size(), 1u);
}

}  // namespace
}  // namespace deliverer::integration
