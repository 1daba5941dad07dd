// The canary's guard in the engine (delivery/canary_watch.h): outcomes counted by arm, a
// roll-out halted when its canary does worse, the halt in force at once, durable, told to
// the observer, loaded at start-up, and lifted by a resume in the store.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "engine_fixture.h"
#include "routing/canary.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

constexpr const char* kFlag = "try-b";

// Everything to A; half of it, by the canary's hash, to B first.
EngineSetup CanarySetup(int64_t min_samples = 10) {
  config::RouteConfig route = FailoverRoute({"A"});
  config::CanaryConfig canary{.flag = kFlag, .percent = 50, .policy = "failover", .carriers = {"B"}};
  canary.guard.min_samples = min_samples;
  route.canary = canary;
  return EngineSetup{.carriers = {"A", "B"}, .routes = {route}};
}

bool InCanaryArm(const std::string& id) { return routing::TakesCanary(kFlag, 50, id); }

class EngineCanaryTest : public EngineTest {
 protected:
  // Stores and publishes `n` messages named prefix0 … and returns their ids.
  std::vector<std::string> InsertMany(const std::string& prefix, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(prefix + std::to_string(i));
      Insert(ids.back());
    }
    return ids;
  }
  bool AllLeftTheQueue(const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      if (StatusOf(id) == Status::kQueued) return false;
    }
    return true;
  }
  double Outcomes(const std::string& arm, const std::string& outcome) const {
    for (const auto& [labels, value] : metrics_.Values("deliverer_canary_outcomes_total")) {
      if (labels == metrics::Labels{{"arm", arm}, {"flag", kFlag}, {"outcome", outcome}}) return value;
    }
    return 0;
  }
  double HaltedGauge() const {
    for (const auto& [labels, value] : metrics_.Values("deliverer_canary_halted")) {
      if (labels == metrics::Labels{{"flag", kFlag}}) return value;
    }
    return -1;  // never set
  }
  std::vector<store::CanaryHalt> StoredHalts() {
    auto halts = store_->ListCanaryHalts();
    EXPECT_TRUE(halts.ok());
    return halts.ok() ? *halts : std::vector<store::CanaryHalt>{};
  }
  // Runs until the canary's B refused enough for the guard, which halts the roll-out.
  void HaltByRefusals() {
    carrier("B").set_script([](const carriers::CarrierSubmit&) { return Kind::kPermanent; });
    const std::vector<std::string> ids = InsertMany("load", 60);
    ASSERT_TRUE(RunUntil([&] { return !canary_events_.events.empty() && AllLeftTheQueue(ids); }));
    ASSERT_TRUE(RunUntil([&] { return !StoredHalts().empty(); })) << "the halt is never durable";
  }
};

TEST_F(EngineCanaryTest, ACanaryThatRefusesSubmitsHaltsItsRollout) {
  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  ASSERT_NO_FATAL_FAILURE(HaltByRefusals());

  ASSERT_EQ(canary_events_.events.size(), 1u);
  const routing::CanaryEvent& halted = canary_events_.events[0];
  EXPECT_TRUE(halted.halted);
  EXPECT_EQ(halted.flag, kFlag);
  EXPECT_EQ(halted.route, "*");
  EXPECT_EQ(halted.reason, "submit_errors");
  EXPECT_GE(halted.canary.submits, 10);
  EXPECT_EQ(halted.canary.submit_errors, halted.canary.submits);
  EXPECT_GE(halted.control.submits, 10);
  EXPECT_EQ(halted.control.submit_errors, 0);
  EXPECT_NE(halted.detail.find("submit errors 100.0% of"), std::string::npos) << halted.detail;
  EXPECT_EQ(halted.at_ms, clock_.NowUnixMillis());

  EXPECT_TRUE(canary_halts_.Halted(kFlag));
  EXPECT_EQ(HaltedGauge(), 1);
  EXPECT_EQ(metrics_.Total("deliverer_canary_halts_total"), 1);
  const std::vector<store::CanaryHalt> stored = StoredHalts();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0], (store::CanaryHalt{kFlag, "*", "submit_errors", halted.detail, halted.at_ms}));
  auto trail = store_->ListAudit(store::AuditQuery{.action = "canary.halt"});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ((*trail)[0].target, kFlag);
}

TEST_F(EngineCanaryTest, OnceHaltedEveryNewMessageTakesTheControlArm) {
  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  ASSERT_NO_FATAL_FAILURE(HaltByRefusals());
  const size_t b_before = carrier("B").submits().size();

  const std::vector<std::string> after = InsertMany("after", 40);
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(after); }));

  int canary_bucket = 0;
  for (const std::string& id : after) {
    canary_bucket += InCanaryArm(id) ? 1 : 0;
    EXPECT_EQ(StatusOf(id), Status::kSent) << id;
    EXPECT_EQ(Record(id).carrier, "A") << id;
  }
  EXPECT_GT(canary_bucket, 5) << "the test needs messages the canary would have taken";
  EXPECT_EQ(carrier("B").submits().size(), b_before) << "nothing new reached the canary's carrier";
  EXPECT_EQ(canary_events_.events.size(), 1u) << "halted once";
}

TEST_F(EngineCanaryTest, BothArmsEquallyBadDoNotHalt) {
  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  for (const char* id : {"A", "B"}) {
    carrier(id).set_script([](const carriers::CarrierSubmit&) { return Kind::kPermanent; });
  }
  const std::vector<std::string> ids = InsertMany("m", 60);

  // The guard judges each outcome before it is counted: once both arms show the minimum,
  // it has judged them.
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(ids); }));
  ASSERT_GE(Outcomes("canary", "submit_error"), 10);
  ASSERT_GE(Outcomes("control", "submit_error"), 10);
  EXPECT_TRUE(canary_events_.events.empty());
  EXPECT_FALSE(canary_halts_.Halted(kFlag));
  EXPECT_EQ(HaltedGauge(), 0);
  EXPECT_TRUE(StoredHalts().empty());
}

TEST_F(EngineCanaryTest, ACanaryWhoseReceiptsSayUndeliveredHaltsOnTheDeliveryRatio) {
  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  const std::vector<std::string> ids = InsertMany("m", 60);
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(ids); }));
  ASSERT_TRUE(canary_events_.events.empty()) << "both arms took every submit";

  for (const FakeCarrier::Accepted& a : carrier("A").accepted()) {
    ASSERT_TRUE(Receipt("A", a.carrier_id, Status::kDelivered, "DELIVRD/000"));
  }
  for (const FakeCarrier::Accepted& b : carrier("B").accepted()) {
    ASSERT_TRUE(Receipt("B", b.carrier_id, Status::kFailed, "UNDELIV/001"));
  }
  ASSERT_TRUE(RunUntil([&] { return !canary_events_.events.empty(); }));

  EXPECT_EQ(canary_events_.events[0].reason, "delivery_ratio");
  EXPECT_EQ(canary_events_.events[0].canary.delivered, 0);
  EXPECT_GE(canary_events_.events[0].canary.finals, 10);
  EXPECT_EQ(canary_events_.events[0].control.delivered, canary_events_.events[0].control.finals);
  EXPECT_EQ(Outcomes("control", "delivered"), static_cast<double>(carrier("A").accepted().size()));
  EXPECT_GE(Outcomes("canary", "undelivered"), 10);
  EXPECT_TRUE(canary_halts_.Halted(kFlag));
}

TEST_F(EngineCanaryTest, MessagesSentAndNeverAnsweredCountAsUndelivered) {
  EngineSetup setup = CanarySetup();
  setup.options.receipt_wait_s = 1;
  ASSERT_NO_FATAL_FAILURE(Start(setup));
  const std::vector<std::string> ids = InsertMany("m", 30);
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(ids); }));
  clock_.Advance(Millis(2000));
  ASSERT_TRUE(RunUntil([&] { return Outcomes("canary", "undelivered") + Outcomes("control", "undelivered") == 30; }))
      << "each message that expired unanswered counts for its arm once";
  for (const std::string& id : ids) EXPECT_EQ(StatusOf(id), Status::kExpired) << id;
  EXPECT_GT(Outcomes("canary", "undelivered"), 0);
  EXPECT_GT(Outcomes("control", "undelivered"), 0);
  EXPECT_TRUE(canary_events_.events.empty()) << "both arms equally unanswered";
}

TEST_F(EngineCanaryTest, AResumeInTheStoreLiftsTheHaltAndStartsTheWindowAfresh) {
  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  ASSERT_NO_FATAL_FAILURE(HaltByRefusals());
  carrier("B").set_script([](const carriers::CarrierSubmit&) { return Kind::kAccepted; });  // fixed

  // As `deliverer canary resume` does it: in the store only, from another process.
  std::promise<deliverer::Status> resumed;
  store_->ResumeCanary(kFlag, store::AuditEntry{0, 1, "cli", "", "local", "canary.resume", kFlag, kFlag},
                       [&resumed](deliverer::Status s) { resumed.set_value(std::move(s)); });
  ASSERT_TRUE(resumed.get_future().get().ok());
  ASSERT_TRUE(RunUntil([&] { return canary_events_.events.size() == 2; })) << "the engine never saw it";

  EXPECT_FALSE(canary_events_.events[1].halted);
  EXPECT_EQ(canary_events_.events[1].flag, kFlag);
  EXPECT_FALSE(canary_halts_.Halted(kFlag));
  EXPECT_EQ(HaltedGauge(), 0);
  const size_t b_before = carrier("B").submits().size();
  const std::vector<std::string> after = InsertMany("after", 30);
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(after); }));
  EXPECT_GT(carrier("B").submits().size(), b_before) << "the canary takes its share again";
  for (const std::string& id : after) EXPECT_EQ(Record(id).carrier, InCanaryArm(id) ? "B" : "A") << id;
  EXPECT_EQ(canary_events_.events.size(), 2u) << "the refusals before the halt do not halt it again";
}

TEST_F(EngineCanaryTest, AHaltKeptInTheStoreIsInForceFromTheStart) {
  std::promise<deliverer::Status> written;
  store_->HaltCanary(store::CanaryHalt{kFlag, "*", "submit_errors", "before a restart", 1}, store::AuditEntry{},
                     [&written](deliverer::Status s) { written.set_value(std::move(s)); });
  ASSERT_TRUE(written.get_future().get().ok());

  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  const std::vector<std::string> ids = InsertMany("m", 30);
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(ids); }));

  EXPECT_TRUE(carrier("B").submits().empty()) << "not one message reached the halted canary";
  EXPECT_EQ(HaltedGauge(), 1);
  EXPECT_TRUE(canary_events_.events.empty()) << "the process that halted it told the operators";
  EXPECT_EQ(Outcomes("control", "accepted"), 30) << "every message counts for the control arm";
}

TEST_F(EngineCanaryTest, AFallbackFromTheCanaryToTheRoutesCarrierCountsForNeitherArm) {
  ASSERT_NO_FATAL_FAILURE(Start(CanarySetup()));
  carrier("B").set_can_submit(false);  // the canary's carrier has no room: its messages go to A
  const std::vector<std::string> ids = InsertMany("m", 30);
  ASSERT_TRUE(RunUntil([&] { return AllLeftTheQueue(ids); }));

  int control = 0;
  for (const std::string& id : ids) control += InCanaryArm(id) ? 0 : 1;
  EXPECT_EQ(Outcomes("canary", "accepted"), 0);
  EXPECT_EQ(Outcomes("control", "accepted"), control);
}

}  // namespace
}  // namespace deliverer::delivery::testing
