// What the engine does with each kind of submit answer: which carrier gets the next
// attempt, when, and what the store says in between and at the end.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

EngineSetup TwoCarrierRoute() {
  return EngineSetup{.carriers = {"A", "B"}, .routes = {FailoverRoute({"A", "B"})}};
}

TEST_F(EngineTest, TransientFailureRetriesOnTheNextCarrierOfTheRoute) {
  ASSERT_NO_FATAL_FAILURE(Start(TwoCarrierRoute()));
  FakeCarrier& a = carrier("A");
  FakeCarrier& b = carrier("B");
  a.Answer({Kind::kTransient});
  b.Hold();
  Insert("m");

  ASSERT_TRUE(RunThroughRetries([&] { return b.held() == 1; }));
  EXPECT_EQ(a.SubmitsOf("m"), 1u);
  EXPECT_EQ(b.SubmitsOf("m"), 1u);
  // While it waited, the failed attempt was durable: still queued, one attempt, the error.
  store::MessageRecord waiting = Record("m");
  EXPECT_EQ(waiting.status, Status::kQueued);
  EXPECT_EQ(waiting.attempts, 1);
  ASSERT_TRUE(waiting.error.has_value());
  EXPECT_EQ(waiting.error->code, "carrier_transient_error");
  EXPECT_EQ(waiting.error->carrier_code, "0x00000058");

  b.ReleaseOldest(Kind::kAccepted);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  store::MessageRecord sent = Record("m");
  EXPECT_EQ(sent.carrier, "B");
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_FALSE(sent.error.has_value()) << "a success clears the last attempt's error";
  EXPECT_EQ(a.SubmitsOf("m"), 1u);
}

TEST_F(EngineTest, TheCircuitObserverHearsWhenACircuitOpensAndWhenItClosesAgain) {
  ASSERT_NO_FATAL_FAILURE(Start(TwoCarrierRoute()));
  FakeCarrier& a = carrier("A");
  a.set_script([](const carriers::CarrierSubmit&) { return Kind::kTransient; });
  const config::CircuitBreakerConfig breaker;  // the defaults the fixture's carriers have
  for (int i = 0; i < breaker.consecutive_failures; ++i) Insert("m" + std::to_string(i));
  ASSERT_TRUE(RunUntil([&] { return !circuit_events_.events.empty(); }));
  const routing::CircuitEvent opened = circuit_events_.events.front();
  EXPECT_EQ(opened.carrier, "A");
  EXPECT_TRUE(opened.open);
  EXPECT_TRUE(opened.reason == "consecutive_failures" || opened.reason == "failure_ratio") << opened.reason;
  EXPECT_EQ(opened.cool_down_ms, int64_t{breaker.open_s} * 1000);
  EXPECT_EQ(opened.at_ms, clock_.NowUnixMillis());
  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("m0") == Status::kSent; })) << "B takes the traffic";

  // After the cool-down, probes reach A again; once enough succeed, it closes.
  a.set_script([](const carriers::CarrierSubmit&) { return Kind::kAccepted; });
  clock_.Advance(Millis(int64_t{breaker.open_s} * 1000));
  for (int i = 0; i < breaker.half_open_probes; ++i) Insert("p" + std::to_string(i));
  ASSERT_TRUE(RunUntil([&] { return circuit_events_.events.size() == 2; }));
  EXPECT_EQ(circuit_events_.events[1].carrier, "A");
  EXPECT_FALSE(circuit_events_.events[1].open);
}

TEST_F(EngineTest, TransientFailureOnASingleCarrierRouteRetriesItAfterTheBackoff) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("m");
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));
  const int64_t failed_at = clock_.NowUnixMillis();
  a.ReleaseOldest(Kind::kTransient);

  ASSERT_TRUE(
      RunUntil([&] { return queue_.NextRetryAt().has_value() || a.submits().size() == 2; }));
  if (const std::optional<int64_t> due = queue_.NextRetryAt()) {
    // Full jitter: the first retry comes within backoff_base (possibly at once).
    EXPECT_GE(*due, failed_at);
    EXPECT_LE(*due, failed_at + options().backoff_base.count());
    EXPECT_EQ(a.submits().size(), 1u) << "resubmitted before its retry was due";
  }
  ASSERT_TRUE(RunThroughRetries([&] { return a.held() == 1; }));
  ASSERT_EQ(a.submits().size(), 2u);
  EXPECT_EQ(a.submits()[1].message_id, "m");
  store::MessageRecord waiting = Record("m");
  EXPECT_EQ(waiting.status, Status::kQueued);
  EXPECT_EQ(waiting.attempts, 1);
  ASSERT_TRUE(waiting.error.has_value());
  EXPECT_EQ(waiting.error->code, "carrier_transient_error");

  a.ReleaseOldest(Kind::kAccepted);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(Record("m").attempts, 2);
  EXPECT_EQ(Record("m").carrier, "A");
}

TEST_F(EngineTest, RetriesStopAtMaxAttempts) {
  EngineSetup setup;
  setup.options.max_attempts = 3;
  ASSERT_NO_FATAL_FAILURE(Start(setup));
  FakeCarrier& a = carrier("A");
  a.set_script([](const carriers::CarrierSubmit&) { return Kind::kTransient; });
  Insert("m");

  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("m") == Status::kFailed; }));
  store::MessageRecord record = Record("m");
  EXPECT_EQ(record.attempts, 3);
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "attempts_exhausted");
  EXPECT_EQ(record.error->carrier_code, "0x00000058");
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_EQ(a.SubmitsOf("m"), 3u);
}

TEST_F(EngineTest, PermanentFailureFailsWithTheCarrierCodeAndIsNeverRetried) {
  ASSERT_NO_FATAL_FAILURE(Start(TwoCarrierRoute()));
  FakeCarrier& a = carrier("A");
  a.Answer({Kind::kPermanent});
  Insert("m");

  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kFailed; }));
  // Acked, not put back: nothing of it is left in the queue to be submitted again.
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_FALSE(queue_.NextRetryAt().has_value());
  EXPECT_EQ(a.SubmitsOf("m"), 1u);
  EXPECT_TRUE(carrier("B").submits().empty());
  store::MessageRecord record = Record("m");
  EXPECT_EQ(record.carrier, "A");
  EXPECT_EQ(record.attempts, 1);
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, "carrier_permanent_error");
  EXPECT_EQ(record.error->carrier_code, "0x0000000B");
  EXPECT_EQ(record.error->detail, "invalid destination address");
  EXPECT_EQ(EventsOf("m"), (std::vector<Status>{Status::kQueued, Status::kFailed}));
}

// kNotSent: nothing reached the carrier, so the engine resends at once (no backoff: the
// clock never moves here), prefers another carrier, and does not count an attempt.
TEST_F(EngineTest, NotSentIsResentAtOnceToTheNextCarrierWithoutSpendingAnAttempt) {
  ASSERT_NO_FATAL_FAILURE(Start(TwoCarrierRoute()));
  FakeCarrier& a = carrier("A");
  FakeCarrier& b = carrier("B");
  a.Answer({Kind::kNotSent});
  Insert("m");

  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(a.SubmitsOf("m"), 1u);
  EXPECT_EQ(b.SubmitsOf("m"), 1u);
  store::MessageRecord record = Record("m");
  EXPECT_EQ(record.carrier, "B");
  EXPECT_EQ(record.attempts, 1);
  EXPECT_FALSE(record.error.has_value());
}

// The first "not sent" is resent at once; the same carrier saying it again in a row waits
// no_carrier_retry, so a carrier that claims room it lacks cannot make the engine spin.
TEST_F(EngineTest, NotSentOnASingleCarrierRouteIsResentToItAndARepeatWaits) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Answer({Kind::kNotSent, Kind::kNotSent});
  Insert("m");

  ASSERT_TRUE(RunUntil([&] { return a.SubmitsOf("m") == 2u && queue_.NextRetryAt().has_value(); }));
  const int64_t second_at = clock_.NowUnixMillis();
  EXPECT_EQ(*queue_.NextRetryAt(), second_at + options().no_carrier_retry.count());
  EXPECT_EQ(a.SubmitsOf("m"), 2u) << "not resent before the wait";

  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(a.SubmitsOf("m"), 3u);
  EXPECT_EQ(Record("m").attempts, 1);
}

// kUnknown (written, unanswered): it may be at the carrier, yet the engine retries it
// exactly like a transient failure, preferably elsewhere.
TEST_F(EngineTest, UnknownOutcomeIsRetriedAsTransient) {
  ASSERT_NO_FATAL_FAILURE(Start(TwoCarrierRoute()));
  FakeCarrier& a = carrier("A");
  FakeCarrier& b = carrier("B");
  a.Answer({Kind::kUnknown});
  b.Hold();
  Insert("m");

  ASSERT_TRUE(RunThroughRetries([&] { return b.held() == 1; }));
  store::MessageRecord waiting = Record("m");
  EXPECT_EQ(waiting.status, Status::kQueued);
  EXPECT_EQ(waiting.attempts, 1);
  ASSERT_TRUE(waiting.error.has_value());
  EXPECT_EQ(waiting.error->code, "carrier_transient_error");
  EXPECT_EQ(waiting.error->detail, "no submit_sm_resp within 10 s");

  b.ReleaseOldest(Kind::kAccepted);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(Record("m").carrier, "B");
  EXPECT_EQ(Record("m").attempts, 2);
  EXPECT_EQ(a.SubmitsOf("m"), 1u);
}

// docs/architecture.md: "after a failure the next carrier of the route is preferred":
// after A then B fail, the third attempt goes to C, not back to A.
TEST_F(EngineTest, ThirdAttemptGoesToTheThirdCarrierOfTheRoute) {
  ASSERT_NO_FATAL_FAILURE(
      Start(EngineSetup{.carriers = {"A", "B", "C"}, .routes = {FailoverRoute({"A", "B", "C"})}}));
  carrier("A").Answer({Kind::kTransient});
  carrier("B").Answer({Kind::kTransient});
  Insert("m");

  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("m") == Status::kSent; }));
  EXPECT_EQ(carrier("C").SubmitsOf("m"), 1u);
  EXPECT_EQ(carrier("A").SubmitsOf("m"), 1u);
  EXPECT_EQ(Record("m").carrier, "C");
}

}  // namespace
}  // namespace deliverer::delivery::testing

namespace deliverer::delivery::testing {
namespace {

// A hostile SMSC answering every submit with a new command_status cannot grow the
// metrics without bound; each message still records its exact code.
TEST_F(EngineTest, CarrierErrorCodesGetAtMostABoundedNumberOfLabels) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.set_window(1000);
  a.Hold();
  const size_t messages = Engine::kMaxErrorCodeLabels + 6;
  for (size_t i = 0; i < messages; ++i) Insert("m" + std::to_string(i));
  ASSERT_TRUE(RunUntil([&] { return a.held() == messages; }));
  for (size_t i = 0; i < messages; ++i) a.ReleaseOldestAs(Kind::kPermanent, fmt::format("0x{:08X}", 0x400 + i));
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));

  std::set<std::string> labels;
  double counted = 0;
  for (const auto& [series_labels, value] : metrics_.Values("deliverer_carrier_errors_total")) {
    for (const auto& [name, label] : series_labels) {
      if (name == "code") labels.insert(label);
    }
    counted += value;
  }
  EXPECT_EQ(labels.size(), Engine::kMaxErrorCodeLabels + 1);
  EXPECT_TRUE(labels.contains("other"));
  EXPECT_EQ(counted, static_cast<double>(messages)) << "every error is still counted";
  const store::MessageRecord last = Record("m" + std::to_string(messages - 1));
  ASSERT_TRUE(last.error.has_value());
  EXPECT_EQ(last.error->carrier_code, fmt::format("0x{:08X}", 0x400 + messages - 1));
}

}  // namespace
}  // namespace deliverer::delivery::testing
