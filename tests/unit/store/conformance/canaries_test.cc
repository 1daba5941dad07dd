// CanaryStore: halted canary roll-outs, kept until resumed, each change audited.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class CanariesConformance : public ConformanceTest {};

CanaryHalt Halt(const std::string& flag, int64_t at_ms, std::string reason = "submit_errors") {
  return CanaryHalt{flag, "GB", std::move(reason), "submit errors 100.0% of 40 on the canary", at_ms};
}

AuditEntry Entry(std::string action, std::string flag) {
  return AuditEntry{0, 1000, "", "", "local", std::move(action), flag, flag};
}

TEST_P(CanariesConformance, NothingIsHaltedAtFirst) {
  auto halts = canaries().ListCanaryHalts();
  ASSERT_TRUE(halts.ok());
  EXPECT_TRUE(halts->empty());
}

TEST_P(CanariesConformance, AHaltIsListedWithWhatTheGuardSawUntilResumed) {
  ASSERT_TRUE(HaltCanary(Halt("uk-new", 1000), Entry("canary.halt", "uk-new")).ok());
  ASSERT_TRUE(HaltCanary(Halt("fr-new", 2000, "delivery_ratio")).ok());

  auto halts = canaries().ListCanaryHalts();
  ASSERT_TRUE(halts.ok());
  ASSERT_EQ(halts->size(), 2u);
  EXPECT_EQ((*halts)[0], Halt("fr-new", 2000, "delivery_ratio")) << "by flag";
  EXPECT_EQ((*halts)[1], Halt("uk-new", 1000));

  ASSERT_TRUE(ResumeCanary("uk-new", Entry("canary.resume", "uk-new")).ok());
  halts = canaries().ListCanaryHalts();
  ASSERT_EQ(halts->size(), 1u);
  EXPECT_EQ((*halts)[0].flag, "fr-new");
}

TEST_P(CanariesConformance, HaltingAgainReplacesTheEarlierHalt) {
  ASSERT_TRUE(HaltCanary(Halt("uk-new", 1000)).ok());
  ASSERT_TRUE(HaltCanary(Halt("uk-new", 5000, "receipt_latency")).ok());
  auto halts = canaries().ListCanaryHalts();
  ASSERT_EQ(halts->size(), 1u);
  EXPECT_EQ((*halts)[0], Halt("uk-new", 5000, "receipt_latency"));
}

TEST_P(CanariesConformance, ResumingWhatIsNotHaltedIsNotFoundAndNotAudited) {
  ASSERT_TRUE(HaltCanary(Halt("uk-new", 1000), Entry("canary.halt", "uk-new")).ok());
  ASSERT_TRUE(ResumeCanary("uk-new", Entry("canary.resume", "uk-new")).ok());
  const Status again = ResumeCanary("uk-new", Entry("canary.resume", "uk-new"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "not_found");
  EXPECT_EQ(ResumeCanary("never", Entry("canary.resume", "never")).error().code, "not_found");

  auto trail = audit().ListAudit(AuditQuery{});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 2u) << "the halt and the one resume that lifted it";
  EXPECT_EQ((*trail)[0].action, "canary.halt");
  EXPECT_EQ((*trail)[1].action, "canary.resume");
  EXPECT_EQ((*trail)[1].target, "uk-new");
}

DELIVERER_CONFORMANCE_SUITE(CanariesConformance, Concern::kCanaries);

}  // namespace
}  // namespace deliverer::store::conformance
