// Many messages with every kind of outcome at once: each ends in exactly one terminal
// status, the one its outcomes call for, and no carrier sees more than it should.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <string>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

constexpr int kMessages = 200;
constexpr int kMaxAttempts = 3;

// Message i's story, by i % 8.
enum class Story {
  kPermanent,        // refused for good at once
  kAlwaysTransient,  // every attempt throttled: the attempts run out
  kTransientOnce,    // throttled, then accepted and delivered
  kNotSentOnce,      // not written, then accepted and delivered
  kUnknownOnce,      // unanswered, then accepted; the receipt says undeliverable
  kNoReceipt,        // accepted; no receipt ever comes
  kDelivered,        // accepted and delivered
  kCarrierExpired,   // accepted; the receipt says expired
};

struct Expected {
  Status status;
  std::string error;  // "" = none
  int attempts;
  size_t submits;  // over both carriers
  size_t accepted;
};

std::string IdOf(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "mix-%03d", i);
  return id;
}

Story StoryOf(const std::string& id) { return static_cast<Story>(std::stoi(id.substr(4)) % 8); }

Expected ExpectedOf(Story story) {
  switch (story) {
    case Story::kPermanent:
      return {Status::kFailed, "carrier_permanent_error", 1, 1, 0};
    case Story::kAlwaysTransient:
      return {Status::kFailed, "attempts_exhausted", kMaxAttempts, kMaxAttempts, 0};
    case Story::kTransientOnce:
      return {Status::kDelivered, "", 2, 2, 1};
    case Story::kNotSentOnce:
      return {Status::kDelivered, "", 1, 2, 1};
    case Story::kUnknownOnce:
      return {Status::kFailed, "undeliverable", 2, 2, 1};
    case Story::kNoReceipt:
      return {Status::kExpired, "no_receipt", 1, 1, 1};
    case Story::kDelivered:
      return {Status::kDelivered, "", 1, 1, 1};
    case Story::kCarrierExpired:
      return {Status::kExpired, "carrier_expired", 1, 1, 1};
  }
  return {};
}

// The answer to the `tries`-th submit of a message (0-based), whichever carrier has it.
Kind AnswerOf(Story story, int tries) {
  switch (story) {
    case Story::kPermanent:
      return Kind::kPermanent;
    case Story::kAlwaysTransient:
      return Kind::kTransient;
    case Story::kTransientOnce:
      return tries == 0 ? Kind::kTransient : Kind::kAccepted;
    case Story::kNotSentOnce:
      return tries == 0 ? Kind::kNotSent : Kind::kAccepted;
    case Story::kUnknownOnce:
      return tries == 0 ? Kind::kUnknown : Kind::kAccepted;
    default:
      return Kind::kAccepted;
  }
}

// The receipt the carrier sends for an accepted message; kQueued = none.
std::pair<Status, std::string> ReceiptOf(Story story) {
  switch (story) {
    case Story::kUnknownOnce:
      return {Status::kFailed, "UNDELIV/000"};
    case Story::kNoReceipt:
      return {Status::kQueued, ""};
    case Story::kCarrierExpired:
      return {Status::kExpired, "EXPIRED/000"};
    default:
      return {Status::kDelivered, "DELIVRD/000"};
  }
}

class EngineMixTest : public EngineTest {
 protected:
  // Sends the receipt of every segment accepted since the last call (the story decides
  // which, and whether one comes at all).
  void SendNewReceipts(const std::string& carrier_id) {
    const auto& accepted = carrier(carrier_id).accepted();
    for (size_t& next = receipted_[carrier_id]; next < accepted.size(); ++next) {
      const auto [status, code] = ReceiptOf(StoryOf(accepted[next].message_id));
      if (status == Status::kQueued) continue;
      ++receipts_sent_;
      engine_->OnReceipt(
          carrier_id,
          carriers::CarrierReceipt{accepted[next].carrier_id, accepted[next].carrier_id, status,
                                   code},
          [this](bool recorded) { (recorded ? receipts_recorded_ : receipts_refused_)++; });
    }
  }

  int Terminal() {
    store::MessageQuery query;
    query.limit = kMessages;
    auto page = store_->ListMessages(query);
    EXPECT_TRUE(page.ok());
    int terminal = 0;
    for (const auto& m : page->messages) terminal += model::IsTerminal(m.status) ? 1 : 0;
    return terminal;
  }

  std::map<std::string, size_t> receipted_;
  int receipts_sent_ = 0;
  std::atomic<int> receipts_recorded_{0};  // acks run on the store's thread
  std::atomic<int> receipts_refused_{0};
};

TEST_F(EngineMixTest, EveryMessageReachesExactlyOneTerminalStatus) {
  EngineSetup setup{.carriers = {"A", "B"}, .routes = {FailoverRoute({"A", "B"})}};
  setup.options.max_attempts = kMaxAttempts;
  setup.options.receipt_wait_s = 5;
  ASSERT_NO_FATAL_FAILURE(Start(setup));
  std::map<std::string, int> tries;
  auto script = [&tries](const carriers::CarrierSubmit& submit) {
    return AnswerOf(StoryOf(submit.message_id), tries[submit.message_id]++);
  };
  carrier("A").set_script(script);
  carrier("B").set_script(script);
  for (int i = 0; i < kMessages; ++i) Insert(IdOf(i));

  // Time moves 100 ms per round, so that retries come due and the receipt wait ends.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Terminal() < kMessages || queue_.Depth() > 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << Terminal() << " terminal, queue depth " << queue_.Depth();
    io_.run_for(Millis(2));
    SendNewReceipts("A");
    SendNewReceipts("B");
    clock_.Advance(Millis(100));
  }
  ASSERT_TRUE(RunUntil([&] { return receipts_recorded_ + receipts_refused_ == receipts_sent_; }));
  EXPECT_EQ(receipts_refused_, 0);

  for (int i = 0; i < kMessages; ++i) {
    const std::string id = IdOf(i);
    SCOPED_TRACE(id);
    const Expected expected = ExpectedOf(StoryOf(id));
    const store::MessageRecord record = Record(id);
    EXPECT_EQ(record.status, expected.status);
    EXPECT_EQ(record.error ? record.error->code : "", expected.error);
    EXPECT_EQ(record.attempts, expected.attempts);
    int terminal_events = 0;
    for (const store::MessageEvent& e : record.events)
      terminal_events += model::IsTerminal(e.status) ? 1 : 0;
    EXPECT_EQ(terminal_events, 1);
    EXPECT_EQ(carrier("A").SubmitsOf(id) + carrier("B").SubmitsOf(id), expected.submits);
    EXPECT_EQ(carrier("A").CarrierIdsOf(id).size() + carrier("B").CarrierIdsOf(id).size(),
              expected.accepted);
  }
}

}  // namespace
}  // namespace deliverer::delivery::testing
