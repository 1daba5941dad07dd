// The SMPP client session (smpp/net/client.h) against `deliverer sim` over real sockets:
// bind, windowed submits answered out of order, enquire_link, throttling, a disconnect in
// the middle of a window, reconnect, clean unbind (docs/smpp-mapping.md "The session").
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <future>
#include <map>
#include <set>

#include "integration/sim_process.h"
#include "smpp/net/client.h"
#include "smpp/status.h"

namespace deliverer::integration {
namespace {

namespace asio = boost::asio;
using smpp::SubmitOutcome;
using smpp::SubmitResult;

// Collects what the session reports; the test thread waits on it.
class Recorder : public smpp::SessionHandler {
 public:
  void OnBound() override { Update([&] { ++bound; }); }
  void OnUnbound() override { Update([&] { ++unbound; }); }
  void OnBindRefused(uint32_t status) override { Update([&] { refused.push_back(status); }); }
  void OnSubmitDone(smpp::SubmitId id, SubmitOutcome&& outcome) override {
    Update([&] {
      if (!done.emplace(id, std::move(outcome)).second) ++reported_twice;
    });
  }
  void OnDeliverSm(smpp::DeliverRef ref, smpp::DeliverSm&&) override {
    Update([&] { ++delivered; });
    if (answer) answer(ref);
  }

  // Waits up to 30 s for `condition` (evaluated under the lock); the failure shows what
  // the session had reported by then.
  ::testing::AssertionResult WaitUntil(const std::function<bool()>& condition) {
    std::unique_lock lock(mutex);
    if (changed.wait_for(lock, std::chrono::seconds(30), condition)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "not within 30 s; reported so far: " << bound << " bound, "
                                         << unbound << " unbound, " << refused.size() << " binds refused, "
                                         << done.size() << " submits done, " << delivered << " deliver_sm";
  }
  template <class F>
  void Update(F&& f) {
    {
      std::lock_guard lock(mutex);
      f();
    }
    changed.notify_all();
  }

  std::mutex mutex;
  std::condition_variable changed;
  int bound = 0, unbound = 0, delivered = 0, reported_twice = 0;
  std::vector<uint32_t> refused;
  std::map<smpp::SubmitId, SubmitOutcome> done;
  std::function<void(smpp::DeliverRef)> answer;
};

smpp::SubmitSm Submit(int n) {
  smpp::SubmitSm sm;
  sm.source_addr = "Deliverer";
  sm.source_addr_ton = 5;
  sm.destination_addr = "4479111" + std::to_string(10000 + n);
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.registered_delivery = 1;
  const std::string text = "message " + std::to_string(n);
  sm.short_message.assign(text.begin(), text.end());
  return sm;
}

// One SmppClient on an io_context thread of its own, driven from the test thread.
class SessionFixture {
 public:
  SessionFixture(uint16_t port, smpp::SessionConfig config, double tps = 0) : rate_(tps) {
    smpp::net::ClientEndpoint endpoint;
    endpoint.port = port;
    endpoint.reconnect_min = Millis(50);
    endpoint.reconnect_max = Millis(200);
    client_ = std::make_shared<smpp::net::SmppClient>(io_.get_executor(), "test#1", endpoint,
                                                      std::move(config), rate_, recorder_, clock_, 7);
    recorder_.answer = [this](smpp::DeliverRef ref) { client_->AnswerDeliver(ref, smpp::kEsmeROk); };
    client_->Start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SessionFixture() {
    Stop();
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  template <class F>
  auto Run(F&& f) {
    std::packaged_task<decltype(f())()> task(std::forward<F>(f));
    auto result = task.get_future();
    asio::post(io_, [&] { task(); });
    return result.get();
  }
  // Submits ids [first, first + count) on the io thread; returns how many were taken.
  int SubmitMany(int first, int count) {
    return Run([&] {
      int taken = 0;
      for (int i = first; i < first + count; ++i) taken += client_->Submit(i, Submit(i)) ? 1 : 0;
      return taken;
    });
  }
  // Stops the session, letting outstanding answers arrive for up to `drain`.
  void Stop(Millis drain = Millis(2'000)) {
    if (stopped_) return;
    stopped_ = true;
    std::promise<void> done;
    asio::post(io_, [&] { client_->Stop(drain, [&] { done.set_value(); }); });
    ASSERT_EQ(done.get_future().wait_for(drain + std::chrono::seconds(30)), std::future_status::ready);
  }

  Recorder& recorder() { return recorder_; }
  smpp::net::SmppClient& client() { return *client_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  SystemClock clock_;
  AdaptiveRate rate_;
  Recorder recorder_;
  std::shared_ptr<smpp::net::SmppClient> client_;
  std::thread thread_;
  bool stopped_ = false;
};

smpp::SessionConfig Config(uint32_t window = 16) {
  smpp::SessionConfig config;
  config.system_id = "deliverer";
  config.password = "secret";
  config.window = window;
  config.response_timeout = Millis(5'000);
  return config;
}

TEST(SmppSessionTest, BindsSubmitsThroughTheWindowAndAnswersReceipts) {
  SimProcess sim;
  SessionFixture session(sim.SmppPort(), Config(16));
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 1; }));
  ASSERT_EQ(session.SubmitMany(1, 200), 200);
  ASSERT_TRUE(r.WaitUntil([&] { return r.done.size() == 200 && r.delivered == 200; }));
  std::set<std::string> ids;
  for (const auto& [id, outcome] : r.done) {
    EXPECT_EQ(outcome.result, SubmitResult::kAccepted) << id;
    ids.insert(outcome.message_id);
  }
  EXPECT_EQ(ids.size(), 200u) << "every submit got its own carrier id";
  EXPECT_EQ(r.reported_twice, 0);
  ASSERT_TRUE(WaitFor([&] { return sim.Stats().value("receipts_acked", 0) >= 200; }, Millis(15'000)));
  EXPECT_EQ(sim.RecordLines().size(), 200u);
}

TEST(SmppSessionTest, OutOfOrderAnswersAreMatchedBySequenceNumber) {
  SimProcess sim({"--config-json", R"({"submit":{"latency_ms":1,"latency_jitter_ms":40}})"});
  SessionFixture session(sim.SmppPort(), Config(32));
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 1; }));
  ASSERT_EQ(session.SubmitMany(1, 100), 100);
  ASSERT_TRUE(r.WaitUntil([&] { return r.done.size() == 100; }));
  // The record says which carrier id the simulator gave to which destination: each
  // outcome must carry the id of its own submit.
  std::map<std::string, std::string> id_by_destination;
  sim.Stats();  // flushes the record
  for (const Json& line : sim.RecordLines()) {
    id_by_destination[StringField(line, "destination")] = StringField(line, "carrier_id");
  }
  for (const auto& [id, outcome] : r.done) {
    ASSERT_EQ(outcome.result, SubmitResult::kAccepted);
    EXPECT_EQ(outcome.message_id, id_by_destination["4479111" + std::to_string(10000 + id)]);
  }
}

TEST(SmppSessionTest, EnquireLinkDetectsADeadLinkAndTheSessionReconnects) {
  SimProcess sim;
  auto config = Config();
  // Frequent probes, but the usual answer time: a busy machine must not make a sound link
  // look dead before the SMSC goes silent.
  config.enquire_link_interval = Millis(200);
  config.response_timeout = Millis(5'000);
  SessionFixture session(sim.SmppPort(), config);
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 1; }));
  ASSERT_EQ(session.Run([&] { return r.unbound; }), 0) << "the link dropped before the SMSC went silent";
  // The SMSC stops answering: enquire_link times out, the session reconnects.
  ASSERT_EQ(sim.Patch("/config", {{"faults", {{"black_hole", true}}}}).status, 200);
  ASSERT_TRUE(r.WaitUntil([&] { return r.unbound >= 1; }));
  ASSERT_EQ(sim.Patch("/config", {{"faults", {{"black_hole", false}}}}).status, 200);
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound >= 2; }));
}

TEST(SmppSessionTest, ThrottlingIsAnsweredBySlowingDownNotByFailing) {
  SimProcess sim({"--max-tps", "300"});
  SessionFixture session(sim.SmppPort(), Config(64));
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 1; }));
  ASSERT_EQ(session.SubmitMany(1, 900), 900);
  ASSERT_TRUE(r.WaitUntil([&] { return r.done.size() == 900; }));
  uint32_t throttled = 0;
  for (const auto& [id, outcome] : r.done) {
    EXPECT_EQ(outcome.result, SubmitResult::kAccepted) << id;
    throttled += outcome.throttled;
  }
  EXPECT_GT(throttled, 0u) << "the simulator did throttle";
  EXPECT_GT(sim.Stats().value("throttled", 0), 0);
}

TEST(SmppSessionTest, DisconnectMidWindowEndsEverySubmitOnceThenReconnects) {
  // Answers held for a minute, well past the disconnect however slow the machine; the
  // response timeout waits longer still, so only the disconnect ends the window.
  SimProcess sim({"--latency-ms", "60000"});
  auto config = Config(50);
  config.response_timeout = Millis(120'000);
  SessionFixture session(sim.SmppPort(), config);
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 1; }));
  ASSERT_EQ(session.SubmitMany(1, 60), 60);  // 50 written, 10 queued behind the window
  ASSERT_TRUE(WaitFor([&] { return sim.Stats().value("submits", 0) >= 50; }, Millis(15'000)));
  ASSERT_EQ(sim.Post("/disconnect").status, 200);
  ASSERT_TRUE(r.WaitUntil([&] { return r.done.size() == 60; }));
  int unknown = 0, not_sent = 0;
  for (const auto& [id, outcome] : r.done) {
    if (outcome.result == SubmitResult::kUnknown) ++unknown;
    if (outcome.result == SubmitResult::kNotSent) ++not_sent;
  }
  EXPECT_EQ(unknown, 50) << "written, unanswered: the carrier may have them";
  EXPECT_EQ(not_sent, 10) << "never written: safe to send elsewhere";
  EXPECT_EQ(r.reported_twice, 0);

  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 2; })) << "reconnected";
  ASSERT_EQ(sim.Patch("/config", {{"submit", {{"latency_ms", 0}}}}).status, 200);
  ASSERT_EQ(session.SubmitMany(1000, 5), 5);
  ASSERT_TRUE(r.WaitUntil([&] { return r.done.size() == 65; }));
  EXPECT_EQ(r.done[1004].result, SubmitResult::kAccepted);
}

TEST(SmppSessionTest, RefusedBindIsReportedAndRetriedWithBackoff) {
  SimProcess sim({"--refuse-binds"});
  SessionFixture session(sim.SmppPort(), Config());
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return !r.refused.empty(); }));
  EXPECT_EQ(r.refused[0], smpp::kEsmeRBindFail);
  EXPECT_EQ(r.bound, 0);
}

TEST(SmppSessionTest, StopUnbindsCleanlyAfterTheWindowDrains) {
  SimProcess sim({"--latency-ms", "300"});
  SessionFixture session(sim.SmppPort(), Config());
  Recorder& r = session.recorder();
  ASSERT_TRUE(r.WaitUntil([&] { return r.bound == 1; }));
  ASSERT_EQ(session.SubmitMany(1, 5), 5);
  session.Stop(Millis(60'000));  // the drain ends with the last answer, not at this bound
  ASSERT_TRUE(r.WaitUntil([&] { return r.done.size() == 5; }));
  for (const auto& [id, outcome] : r.done) EXPECT_EQ(outcome.result, SubmitResult::kAccepted) << id;
  EXPECT_EQ(session.Run([&] { return session.client().state(); }), smpp::SessionState::kStopped);
  // The simulator logs the unbind after answering it, so possibly after the client stopped.
  EXPECT_TRUE(sim.WaitForLog("bind 1: unbound")) << sim.Log();
  EXPECT_EQ(sim.Stats().value("disconnects", 0), 0) << "the client closed the bind, not the SMSC";
}

}  // namespace
}  // namespace deliverer::integration
