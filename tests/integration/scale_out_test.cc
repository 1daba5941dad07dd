// Several `serve` processes on one PostgreSQL database (docs/deployment.md): three
// `--role api` processes accept, and the one delivering process submits what any of them
// accepted. An id is unique across all of them, and an API process killed mid-burst loses
// nothing it answered 202.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr int kApiProcesses = 3;
constexpr int kRacers = 100;

class ScaleOutTest : public ::testing::Test {
 protected:
  // BaseConfig then gives the delivering process a schema of its own, which the API
  // processes share through its configuration.
  static void SetUpTestSuite() { setenv("DELIVERER_TEST_STORAGE", "postgres", 1); }

  void SetUp() override {
    deliverer_ = std::make_unique<DelivererProcess>(kFastDelivery, OneCarrier(sim_.SmppPort()));
    for (int i = 0; i < kApiProcesses; ++i) {
      api_.push_back(std::make_unique<DelivererProcess>(DelivererProcess::Beside{*deliverer_},
                                                        std::vector<std::string>{"--role", "api"}));
    }
    key_ = deliverer_->CreateKey("acme", kSendRead);
  }

  // Every message of the account, as the listing pages them (an id listed twice, twice).
  std::vector<std::string> ListedIds(const DelivererProcess& server) const {
    std::vector<std::string> ids;
    std::string cursor;
    for (;;) {
      std::vector<std::pair<std::string, std::string>> params = {{"limit", "1000"}};
      if (!cursor.empty()) params.emplace_back("cursor", cursor);
      HttpResponse page = server.Get("/v1/messages" + Query(params), key_);
      if (!HasStatus(page, 200)) {
        ADD_FAILURE() << page;
        return ids;
      }
      for (const Json& item : page.json["data"]) ids.push_back(StringField(item, "message_id"));
      if (!page.json["next_cursor"].is_string()) return ids;
      cursor = page.json["next_cursor"].get<std::string>();
    }
  }

  // What the carrier received, by text: each message's text names its id.
  std::map<std::string, int> SubmitsByText() const {
    std::map<std::string, int> texts;
    for (const Json& line : sim_.RecordLines()) ++texts[StringField(line, "text")];
    return texts;
  }

  SimProcess sim_;
  std::unique_ptr<DelivererProcess> deliverer_;
  std::vector<std::unique_ptr<DelivererProcess>> api_;  // destroyed before deliverer_
  std::string key_;
};

TEST_F(ScaleOutTest, IdenticalPostsSpreadOverThreeApiProcessesStoreOneMessage) {
  Json message = FromDeliverer(kTo, "one message, posted a hundred times");
  message["message_id"] = NewUuid();
  const std::string id = message["message_id"].get<std::string>();
  const std::string body = message.dump();
  std::vector<HttpResponse> answers(kRacers);
  std::latch start(kRacers);
  {
    std::vector<std::jthread> racers;
    for (int i = 0; i < kRacers; ++i) {
      racers.emplace_back([&, i] {
        auto client = api_[i % kApiProcesses]->NewClient();
        start.arrive_and_wait();
        answers[i] = ToResponse(client->Post("/v1/messages", Bearer(key_), body, "application/json"));
      });
    }
  }

  int accepted = 0, replayed = 0;
  EXPECT_TRUE(AllOneMessage(answers, id, accepted, replayed));
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(replayed, kRacers - 1);

  Json changed = message;
  changed["body"] = "another body under the same id";
  for (const auto& process : api_) {
    EXPECT_TRUE(IsProblem(process->Post("/v1/messages", changed, key_), 409, "idempotency_conflict"));
  }
  EXPECT_TRUE(IsProblem(deliverer_->Post("/v1/messages", changed, key_), 409, "idempotency_conflict"));

  // Accepted by an API process, delivered by the delivering one, once.
  Json final = AwaitFinal(*deliverer_, key_, id);
  EXPECT_EQ(final["status"], "delivered") << final;
  EXPECT_EQ(ListedIds(*api_[1]), std::vector<std::string>{id});
  EXPECT_EQ(SubmitsByText()["one message, posted a hundred times"], 1);
}

TEST_F(ScaleOutTest, AnApiProcessKilledMidBurstLosesNoMessageItAccepted) {
  constexpr int kPerProducer = 300;
  constexpr int kKillAfter = 60;
  // One producer per API process, one request at a time; producer 0's process dies.
  std::vector<std::vector<std::string>> accepted(kApiProcesses);
  std::atomic<int> victim_accepted{0};
  std::atomic<bool> victim_done{false};
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < kApiProcesses; ++p) {
      producers.emplace_back([&, p] {
        auto client = api_[p]->NewClient();
        struct Done {
          std::atomic<bool>* flag;
          ~Done() { if (flag != nullptr) *flag = true; }
        } done{p == 0 ? &victim_done : nullptr};
        for (int n = 0; n < kPerProducer; ++n) {
          const std::string id = NewUuid();
          Json message = FromDeliverer(kTo, "burst " + id);
          message["message_id"] = id;
          HttpResponse r = ToResponse(client->Post("/v1/messages", Bearer(key_), message.dump(), "application/json"));
          if (r.status == 202) {
            accepted[p].push_back(id);
            if (p == 0) ++victim_accepted;
          } else if (p == 0 && r.status == 0) {
            return;  // its process is gone
          } else {
            ADD_FAILURE() << "producer " << p << ": " << r;
            return;
          }
        }
      });
    }
    ASSERT_TRUE(WaitFor([&] { return victim_accepted >= kKillAfter || victim_done; }, Millis(60'000), Millis(1)));
    ASSERT_GE(victim_accepted, kKillAfter);
    api_[0]->Kill9();
  }
  ASSERT_LT(accepted[0].size(), static_cast<size_t>(kPerProducer)) << "killed after its burst";
  for (int p = 1; p < kApiProcesses; ++p) ASSERT_EQ(accepted[p].size(), static_cast<size_t>(kPerProducer));

  // Stored exactly once: every id answered 202 is listed once. The victim may have stored
  // a few more whose 202 never left it; they are delivered like the rest.
  std::map<std::string, int> listed;
  for (const std::string& id : ListedIds(*api_[1])) ++listed[id];
  for (const auto& ids : accepted) {
    for (const std::string& id : ids) EXPECT_EQ(listed[id], 1) << id;
  }
  std::vector<std::string> stored;
  for (const auto& [id, times] : listed) stored.push_back(id);
  auto final = AwaitTerminal(*deliverer_, key_, stored, Millis(120'000));
  ASSERT_EQ(final.size(), stored.size());
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m;
  // And submitted once each.
  const std::map<std::string, int> submits = SubmitsByText();
  EXPECT_EQ(submits.size(), stored.size());
  for (const std::string& id : stored) EXPECT_EQ(submits.count("burst " + id) ? submits.at("burst " + id) : 0, 1) << id;
  EXPECT_EQ(Metric(*deliverer_, "deliverer_handover_messages_total"), static_cast<double>(stored.size()));
}

TEST_F(ScaleOutTest, AnApiProcessCancelsScheduledMessagesOnly) {
  Json later = FromDeliverer(kTo, "in an hour");
  later["send_at"] = FormatRfc3339Millis(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) +
                                         std::chrono::hours(1));
  const std::string scheduled = Send(*api_[0], key_, later);
  HttpResponse canceled = api_[1]->Delete("/v1/messages/" + scheduled, key_);
  ASSERT_TRUE(HasStatus(canceled, 200));
  EXPECT_EQ(canceled.json["status"], "canceled") << canceled;

  // Queued, the delivering process may be submitting it: the API process cannot tell, so
  // it refuses rather than call canceled a message a carrier may have.
  const std::string queued = Send(*api_[0], key_, FromDeliverer(kTo, "right away"));
  EXPECT_TRUE(IsProblem(api_[1]->Delete("/v1/messages/" + queued, key_), 409, "conflict"));
  EXPECT_EQ(AwaitFinal(*deliverer_, key_, queued)["status"], "delivered");
}

// A message scheduled through an API process is the database's, not the process's: the
// delivering process sends it at its time.
TEST_F(ScaleOutTest, AMessageScheduledThroughAnApiProcessGoesOutAtItsTime) {
  const auto send_at = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) + Millis(2'000);
  Json later = FromDeliverer(kTo, "scheduled elsewhere");
  later["send_at"] = FormatRfc3339Millis(send_at);
  const std::string id = Send(*api_[2], key_, later);
  EXPECT_EQ(AwaitFinal(*deliverer_, key_, id)["status"], "delivered");
  bool submitted = false;
  for (const Json& line : sim_.RecordLines()) {
    if (StringField(line, "text") != "scheduled elsewhere") continue;
    submitted = true;
    EXPECT_GE(ParseRfc3339Millis(StringField(line, "t")), send_at) << "submitted before its send_at";
  }
  EXPECT_TRUE(submitted);
}

}  // namespace
}  // namespace deliverer::integration
