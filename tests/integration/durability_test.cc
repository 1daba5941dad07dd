// docs/reliability.md R1: 202 only after a durable commit. A burst of producers is cut by
// kill -9; after a restart on the same data, every message that was answered 202 is there.
// A store that cannot write answers 503, never 202, and /readyz says so until it can.
#include <sys/resource.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

constexpr int kProducers = 20;
constexpr int kMessages = 1000;
constexpr size_t kAcceptedBeforeKill = 300;
constexpr auto kBurstDeadline = std::chrono::seconds(120);

// Message ids answered 202, shared by the producer threads.
class AcceptedIds {
 public:
  void Add(std::string id) {
    std::lock_guard lock(mutex_);
    ids_.push_back(std::move(id));
    changed_.notify_all();
  }
  void ProducerDone() {
    std::lock_guard lock(mutex_);
    ++producers_done_;
    changed_.notify_all();
  }
  // Waits until `n` ids were recorded or every producer stopped; returns the count.
  size_t WaitForAtLeast(size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout,
                      [&] { return ids_.size() >= n || producers_done_ == kProducers; });
    return ids_.size();
  }
  std::vector<std::string> Snapshot() const {
    std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> ids_;
  int producers_done_ = 0;
};

// Posts messages (taking numbers from `next`) until kMessages were taken or the server stops
// answering; records every 202.
void Produce(const DelivererProcess& server, const std::string& key, std::atomic<int>& next,
             AcceptedIds& accepted) {
  auto client = server.NewClient();
  client->set_keep_alive(true);
  const std::string body = Message().dump();
  while (next.fetch_add(1) < kMessages) {
    HttpResponse r =
        ToResponse(client->Post("/v1/messages", Bearer(key), body, "application/json"));
    if (r.status == 0) break;  // the server is gone
    if (r.status == 202) accepted.Add(StringField(r.json, "message_id"));
  }
  accepted.ProducerDone();
}

TEST(DurabilityTest, R1_kill9_after_202_loses_nothing) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  std::atomic<int> next{0};
  AcceptedIds accepted;
  std::vector<std::thread> producers;
  for (int i = 0; i < kProducers; ++i) {
    producers.emplace_back(Produce, std::cref(server), std::cref(key), std::ref(next),
                           std::ref(accepted));
  }

  size_t seen = accepted.WaitForAtLeast(kAcceptedBeforeKill, kBurstDeadline);
  server.Kill9();
  for (auto& producer : producers) producer.join();
  std::vector<std::string> ids = accepted.Snapshot();
  ASSERT_GE(seen, kAcceptedBeforeKill) << "the burst did not reach 300 accepted messages";
  EXPECT_LT(next.load(), kMessages + kProducers) << "the kill came after the burst had ended";

  server.Restart();
  auto client = server.NewClient();
  client->set_keep_alive(true);
  size_t missing = 0;
  for (const std::string& id : ids) {
    HttpResponse r = ToResponse(client->Get("/v1/messages/" + id, Bearer(key)));
    if (r.status != 200) {
      ++missing;
      ADD_FAILURE() << "message " << id << " was answered 202 but is gone: " << r;
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << ids.size() << " accepted messages";
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202))
      << "the restarted server accepts messages";
}

// Sets the process's file-size limit (ulimit -f): past it every write fails (EFBIG), as on
// a full disk, while the process and its reads go on.
void LimitFileSize(int pid, rlim_t bytes) {
  const rlimit limit{bytes, RLIM_INFINITY};
  ASSERT_EQ(prlimit(pid, RLIMIT_FSIZE, &limit, nullptr), 0) << std::strerror(errno);
}

Json StorageCheck(const DelivererProcess& server) {
  return server.Get("/readyz").json["checks"]["storage"];
}

TEST(DurabilityTest, R1_a_store_that_cannot_write_answers_503_never_202_and_readyz_says_so) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));
  ASSERT_EQ(StorageCheck(server), "ok");

  LimitFileSize(server.Pid(), 1);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(IsProblem(server.Post("/v1/messages", Message(), key), 503, "storage_unavailable"));
  }
  HttpResponse ready = server.Get("/readyz");
  EXPECT_TRUE(HasStatus(ready, 503));
  EXPECT_EQ(ready.json["checks"]["storage"], "failing") << ready;
  // The reason, down to the system's: here the file-size limit.
  EXPECT_NE(StringField(ready.json, "storage_error").find("File too large"), std::string::npos) << ready;

  // Writes possible again: /readyz sees it by itself, with no producer writing.
  LimitFileSize(server.Pid(), RLIM_INFINITY);
  EXPECT_TRUE(WaitFor([&] { return StorageCheck(server) == "ok"; }, Millis(30'000)))
      << server.Get("/readyz");
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));
  // The refused messages left nothing behind: the two accepted ones alone are listed.
  HttpResponse list = server.Get("/v1/messages", key);
  ASSERT_TRUE(HasStatus(list, 200));
  EXPECT_EQ(list.json["data"].size(), 2u) << list;
}

}  // namespace
}  // namespace deliverer::integration
