// MaintenanceStore: retention (docs/operations.md "Background jobs"): bodies first, rows
// later, nothing still in flight, in bounded passes.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class MaintenanceConformance : public ConformanceTest {};

TEST_P(MaintenanceConformance, RetentionClearsEndedBodiesThenDeletesEndedRows) {
  Queue("ended");
  Queue("in-flight");
  ASSERT_TRUE(ChangeOne(Sent("ended", {"e1"})).applied());
  Receipt("e1", MsgStatus::kDelivered);
  ASSERT_TRUE(Inbound(InboundRecord{.id = "mo1", .carrier = "sim-a", .from = "+447911123456", .to = "12345",
                                    .body = "hello back", .at_ms = clock_.NowUnixMillis()})
                  .ok());
  const int64_t later = clock_.NowUnixMillis() + 1;

  auto bodies = maintenance().ApplyRetention({.bodies_before_ms = later, .rows_before_ms = 0});
  ASSERT_TRUE(bodies.ok()) << bodies.error().detail;
  EXPECT_EQ(bodies->bodies_cleared, 2) << "the ended message's and the inbound one's";
  EXPECT_EQ(bodies->messages_deleted, 0);
  EXPECT_TRUE((*delivery().GetForDelivery("ended"))->body.empty());
  EXPECT_EQ((*delivery().GetForDelivery("in-flight"))->body, "hello") << "still needed to deliver";
  EXPECT_EQ(StatusOf("ended"), MsgStatus::kDelivered) << "the row stays until its own retention";

  auto rows = maintenance().ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->messages_deleted, 1);
  EXPECT_EQ(rows->inbound_deleted, 1);
  EXPECT_FALSE(rows->more);
  EXPECT_FALSE(messages().GetMessage("ended", true)->has_value());
  EXPECT_TRUE(messages().GetMessage("in-flight", false)->has_value());
  EXPECT_TRUE(inbound().ListInbound(InboundQuery{})->empty());
}

TEST_P(MaintenanceConformance, RetentionWorksInBoundedPasses) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = "m" + std::to_string(i);
    Queue(id);
    ASSERT_TRUE(ChangeOne(Sent(id, {"k" + std::to_string(i)})).applied());
    Receipt("k" + std::to_string(i), MsgStatus::kDelivered);
  }
  const int64_t later = clock_.NowUnixMillis() + 1;
  auto first = maintenance().ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later, .batch = 2});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->messages_deleted, 2);
  EXPECT_TRUE(first->more);
  int64_t deleted = first->messages_deleted;
  for (int pass = 0; pass < 5 && deleted < 5; ++pass) {
    deleted +=
        maintenance().ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later, .batch = 2})->messages_deleted;
  }
  EXPECT_EQ(deleted, 5);
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(MaintenanceConformance, Concern::kMaintenance);

}  // namespace deliverer::store::conformance
