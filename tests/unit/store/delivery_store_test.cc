// The SQLite store's delivery side: status changes, receipts and the webhook outbox.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

using MsgStatus = model::Status;

class DeliveryStoreTest : public testing::StoreFixture {
 protected:
  void Insert(const std::string& id, int segments = 1, std::string callback = "") {
    NewMessage m = Message(id, "+447911123456", "hello");
    m.segments = segments;
    m.callback_url = std::move(callback);
    ASSERT_TRUE(StoreFixture::Insert(std::move(m)).ok());
  }

  std::vector<Result<ChangeResult>> Change(std::vector<StatusChange> changes) {
    std::promise<std::vector<Result<ChangeResult>>> done;
    store_->RecordChanges(std::move(changes), [&](auto r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  ReceiptResult Receipt(const std::string& key, MsgStatus status, std::string code = "DELIVRD/000") {
    std::promise<std::vector<Result<ReceiptResult>>> done;
    store_->ApplyReceipts({ReceiptIn{"sim-a", key, key, status, std::move(code), 2000}},
                          [&](auto r) { done.set_value(std::move(r)); });
    auto results = done.get_future().get();
    EXPECT_TRUE(results[0].ok());
    return results[0].ok() ? *results[0] : ReceiptResult{};
  }

  StatusChange Sent(const std::string& id, std::vector<std::string> keys) {
    StatusChange c{.message_id = id, .status = MsgStatus::kSent, .at_ms = 1500, .carrier = "sim-a",
                   .attempts = 1, .receipt_due_ms = 100'000};
    for (size_t i = 0; i < keys.size(); ++i) {
      c.segments.push_back(SegmentSubmit{static_cast<int>(i), keys[i], keys[i]});
    }
    return c;
  }

  void Put(Suppression s) {
    std::promise<deliverer::Status> done;
    store_->PutSuppression(std::move(s), AuditEntry{}, [&](deliverer::Status r) { done.set_value(r); });
    ASSERT_TRUE(done.get_future().get().ok());
  }

  // An opt-out reply from 12345 to +447911123456 for acme, created at `at_ms`, unless one
  // went out at or after `not_since_ms`.
  static ComplianceReply Reply(const std::string& id, int64_t at_ms, int64_t not_since_ms) {
    NewMessage m;
    m.id = id;
    m.account = "acme";
    m.from = "12345";
    m.to = "+447911123456";
    m.to_region = "GB";
    m.body = "You are unsubscribed.";
    m.priority = model::Priority::kHigh;
    m.ttl_seconds = 3600;
    m.client_ref = "opt_out_reply";
    m.created_at_ms = at_ms;
    m.compliance_reply = "opt_out";
    return ComplianceReply{std::move(m), not_since_ms};
  }

  MsgStatus StatusOf(const std::string& id) {
    auto m = store_->GetMessage(id, false);
    return (m.ok() && m->has_value()) ? (*m)->status : MsgStatus::kQueued;
  }

  std::vector<MsgStatus> EventsOf(const std::string& id) {
    auto m = store_->GetMessage(id, true);
    std::vector<MsgStatus> out;
    for (const auto& e : (*m)->events) out.push_back(e.status);
    return out;
  }

};

TEST_F(DeliveryStoreTest, SentThenDeliveredWithEvents) {
  Insert("m1");
  EXPECT_EQ(store_->PendingCount(), 1);
  ASSERT_EQ(Change({Sent("m1", {"a1"})})[0]->outcome, ChangeOutcome::kApplied);
  EXPECT_EQ(store_->PendingCount(), 0) << "sent messages no longer wait on us";
  auto r = Receipt("a1", MsgStatus::kDelivered);
  EXPECT_EQ(r.kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(r.message_id, "m1");
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kDelivered);
  EXPECT_EQ(EventsOf("m1"), (std::vector<MsgStatus>{MsgStatus::kQueued, MsgStatus::kSent, MsgStatus::kDelivered}));
  auto record = store_->GetMessage("m1", false);
  EXPECT_EQ((*record)->carrier, "sim-a");
  EXPECT_EQ((*record)->attempts, 1);
  EXPECT_TRUE((*record)->done_at_ms.has_value());
}

TEST_F(DeliveryStoreTest, MultipartIsDeliveredOnlyWhenEverySegmentIs) {
  Insert("m2", 3);
  Change({Sent("m2", {"b1", "b2", "b3"})});
  EXPECT_EQ(Receipt("b1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(Receipt("b1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange) << "duplicate";
  EXPECT_EQ(Receipt("b3", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m2"), MsgStatus::kSent);
  EXPECT_EQ(Receipt("b2", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m2"), MsgStatus::kDelivered);
}

TEST_F(DeliveryStoreTest, OneFailedSegmentFailsTheMessage) {
  Insert("m3", 2);
  Change({Sent("m3", {"c1", "c2"})});
  Receipt("c1", MsgStatus::kDelivered);
  EXPECT_EQ(Receipt("c2", MsgStatus::kFailed, "UNDELIV/001").kind, ReceiptResult::Kind::kApplied);
  auto record = store_->GetMessage("m3", false);
  EXPECT_EQ((*record)->status, MsgStatus::kFailed);
  ASSERT_TRUE((*record)->error.has_value());
  EXPECT_EQ((*record)->error->code, "undeliverable");
  EXPECT_EQ((*record)->error->carrier_code, "UNDELIV/001");
}

TEST_F(DeliveryStoreTest, EarlyReceiptIsParkedThenAppliedWhenTheSubmitIsRecorded) {
  Insert("m4");
  auto r = Receipt("d1", MsgStatus::kDelivered);
  EXPECT_EQ(r.kind, ReceiptResult::Kind::kParked);
  EXPECT_EQ(*store_->UnmatchedReceipts(), 1);
  Change({Sent("m4", {"d1"})});
  EXPECT_EQ(StatusOf("m4"), MsgStatus::kDelivered);
  EXPECT_EQ(*store_->UnmatchedReceipts(), 0);
}

TEST_F(DeliveryStoreTest, TerminalMessagesNeverMove) {
  Insert("m5");
  Change({Sent("m5", {"e1"})});
  Receipt("e1", MsgStatus::kFailed, "UNDELIV/001");
  EXPECT_EQ(Receipt("e1", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m5"), MsgStatus::kFailed);
  auto outcome = Change({StatusChange{.message_id = "m5", .status = MsgStatus::kExpired, .at_ms = 9}});
  EXPECT_EQ(outcome[0]->outcome, ChangeOutcome::kIgnored);
}

TEST_F(DeliveryStoreTest, IntermediateReceiptChangesNothing) {
  Insert("m6");
  Change({Sent("m6", {"f1"})});
  EXPECT_EQ(Receipt("f1", MsgStatus::kSent, "ENROUTE/000").kind, ReceiptResult::Kind::kNoChange);
  EXPECT_EQ(StatusOf("m6"), MsgStatus::kSent);
}

TEST_F(DeliveryStoreTest, RetryWaitKeepsQueuedAndCountsAttempts) {
  Insert("m7");
  auto outcome = Change({StatusChange{.message_id = "m7", .status = MsgStatus::kQueued, .at_ms = 5,
                                      .attempts = 2,
                                      .error = MessageError{"carrier_transient_error", "busy", "0x00000058"}}});
  EXPECT_EQ(outcome[0]->outcome, ChangeOutcome::kApplied);
  auto record = store_->GetMessage("m7", true);
  EXPECT_EQ((*record)->status, MsgStatus::kQueued);
  EXPECT_EQ((*record)->attempts, 2);
  EXPECT_EQ((*record)->events.size(), 1u) << "a retry is not a status change";
  auto queued = store_->ListQueued(std::nullopt, 10);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].attempts, 2);
}

TEST_F(DeliveryStoreTest, OnlyFromGuardsReceiptWaitExpiry) {
  Insert("m8");
  Insert("m9");
  Change({Sent("m8", {"g1"}), Sent("m9", {"g2"})});
  Receipt("g2", MsgStatus::kDelivered);
  auto overdue = store_->ListReceiptOverdue(200'000, 10);
  EXPECT_EQ(*overdue, std::vector<std::string>{"m8"});
  auto outcome = Change({StatusChange{.message_id = "m9", .status = MsgStatus::kExpired,
                                      .only_from = MsgStatus::kSent, .at_ms = 200'000}});
  EXPECT_EQ(outcome[0]->outcome, ChangeOutcome::kIgnored);
}

TEST_F(DeliveryStoreTest, WebhookOutboxRowsComeWithTheirChange) {
  Insert("w1", 1, "http://127.0.0.1:9/hook");
  Insert("w2");  // no callback: no outbox row
  Change({Sent("w1", {"h1"}), Sent("w2", {"h2"})});
  Receipt("h1", MsgStatus::kDelivered);
  auto due = store_->DueWebhooks(1'000'000'000'000'000, 10, {});
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].status, MsgStatus::kSent);
  EXPECT_EQ((*due)[0].previous_status, MsgStatus::kQueued);
  EXPECT_EQ((*due)[1].status, MsgStatus::kDelivered);
  EXPECT_EQ((*due)[1].previous_status, MsgStatus::kSent);
  EXPECT_NE((*due)[0].event_id, (*due)[1].event_id);
  EXPECT_EQ((*due)[1].url, "http://127.0.0.1:9/hook");

  std::promise<deliverer::Status> done;
  store_->CompleteWebhooks({WebhookDone{(*due)[0].event_id, true, 0},
                            WebhookDone{(*due)[1].event_id, false, 5'000}},
                           [&](deliverer::Status s) { done.set_value(s); });
  ASSERT_TRUE(done.get_future().get().ok());
  EXPECT_EQ(*store_->PendingWebhooks(), 1);
  EXPECT_TRUE(store_->DueWebhooks(4'999, 10, {})->empty());
  auto retry = store_->DueWebhooks(5'000, 10, {});
  ASSERT_EQ(retry->size(), 1u);
  EXPECT_EQ((*retry)[0].attempts, 1);
}

TEST_F(DeliveryStoreTest, InboundOptOutSuppressesAndOptInRemoves) {
  InboundRecord mo{.id = "mo1", .carrier = "sim-a", .from = "+447911123456", .to = "12345",
                   .body = "STOP", .at_ms = 10, .keyword_action = "opt_out"};
  ASSERT_TRUE(Inbound(mo, {.suppress = Suppression{"acme", "+447911123456", "stop_keyword", "mo", 10}}).ok());
  EXPECT_TRUE(*store_->IsSuppressed("acme", "+447911123456"));
  mo.id = "mo2";
  mo.body = "START";
  ASSERT_TRUE(Inbound(mo, {.lift = SuppressionLift{"acme", "+447911123456"}}).ok());
  EXPECT_FALSE(*store_->IsSuppressed("acme", "+447911123456"));
}

TEST_F(DeliveryStoreTest, OptInLiftsAGlobalEntryOnlyWhenAnMoMadeIt) {
  const std::string number = "+447911123456";
  Put(Suppression{"", number, "stopall_keyword", "mo", 1});
  InboundRecord mo{.id = "mo1", .from = number, .to = "12345", .body = "START", .at_ms = 10,
                   .keyword_action = "opt_in"};
  ASSERT_TRUE(Inbound(mo, {.lift = SuppressionLift{"acme", number}}).ok());
  EXPECT_FALSE(*store_->IsSuppressed("acme", number)) << "the subscriber's own STOPALL is undone";

  Put(Suppression{"", number, "legal hold", "cli", 2});
  mo.id = "mo2";
  ASSERT_TRUE(Inbound(mo, {.lift = SuppressionLift{"", number}}).ok());
  EXPECT_TRUE(*store_->IsSuppressed("other", number)) << "an operator's global entry stays";
}

TEST_F(DeliveryStoreTest, ComplianceReplyIsQueuedOncePerWindow) {
  InboundRecord mo{.id = "mo1", .from = "+447911123456", .to = "12345", .body = "STOP", .at_ms = 1000,
                   .keyword_action = "opt_out"};
  auto first = Inbound(mo, {.reply = Reply("r1", 1000, 0)});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->reply.has_value());
  EXPECT_EQ(first->reply->id, "r1");
  EXPECT_EQ(first->reply->to, "+447911123456");
  EXPECT_EQ(first->reply->priority, model::Priority::kHigh);
  EXPECT_EQ(StatusOf("r1"), MsgStatus::kQueued);
  EXPECT_EQ(store_->PendingCount(), 1);
  auto delivery = store_->GetForDelivery("r1");
  ASSERT_TRUE(delivery.ok() && delivery->has_value());
  EXPECT_EQ((*delivery)->compliance_reply, "opt_out");

  mo.id = "mo2";
  auto again = Inbound(mo, {.reply = Reply("r2", 2000, 1000)});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->reply.has_value()) << "one opt-out reply per subscriber and account per window";
  EXPECT_FALSE(store_->GetMessage("r2", false)->has_value());

  mo.id = "mo3";
  auto later = Inbound(mo, {.reply = Reply("r3", 3000, 1001)});
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->reply.has_value()) << "the window has passed";
  EXPECT_EQ(store_->PendingCount(), 2);
}

TEST_F(DeliveryStoreTest, RepliesOfAnotherKindOrAccountAreNotDeduplicated) {
  InboundRecord mo{.id = "mo1", .from = "+447911123456", .to = "12345", .at_ms = 1000};
  ASSERT_TRUE(Inbound(mo, {.reply = Reply("r1", 1000, 0)})->reply.has_value());
  ComplianceReply help = Reply("r2", 1001, 0);
  help.message.compliance_reply = "help";
  mo.id = "mo2";
  EXPECT_TRUE(Inbound(mo, {.reply = help})->reply.has_value());
  ComplianceReply other = Reply("r3", 1002, 0);
  other.message.account = "globex";
  mo.id = "mo3";
  EXPECT_TRUE(Inbound(mo, {.reply = other})->reply.has_value());
}

TEST_F(DeliveryStoreTest, InboundListIsNewestFirstAndFiltersByFlag) {
  for (int i = 0; i < 5; ++i) {
    InboundRecord mo{.id = "mo" + std::to_string(i), .from = "+447911123456", .to = "12345",
                     .body = i % 2 == 0 ? "STOP PLEASE" : "hello", .at_ms = 100 + i,
                     .keyword_action = i % 2 == 0 ? "review" : ""};
    ASSERT_TRUE(Inbound(mo, {}).ok());
  }
  auto review = store_->ListInbound(InboundQuery{.keyword_action = "review", .limit = 2});
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 2u);
  EXPECT_EQ((*review)[0].id, "mo4");
  EXPECT_EQ((*review)[0].body, "STOP PLEASE");
  EXPECT_EQ((*review)[1].id, "mo2");
  auto rest = store_->ListInbound(
      InboundQuery{.keyword_action = "review", .limit = 2, .after = std::make_pair(int64_t{102}, std::string("mo2"))});
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, "mo0");
  auto plain = store_->ListInbound(InboundQuery{.keyword_action = "", .limit = 10});
  EXPECT_EQ(plain->size(), 2u);
  EXPECT_EQ(store_->ListInbound(InboundQuery{.limit = 10})->size(), 5u);
}

TEST_F(DeliveryStoreTest, SuppressionsOfEveryListPageByAccountThenNumber) {
  Put(Suppression{"", "+447911000001", "r", "cli", 1});
  Put(Suppression{"acme", "+447911000002", "r", "api", 1});
  Put(Suppression{"acme", "+447911000001", "r", "api", 1});
  Put(Suppression{"globex", "+447911000003", "r", "mo", 1});
  auto first = store_->ListSuppressions(SuppressionQuery{.limit = 3, .all_accounts = true});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].account, "");
  EXPECT_EQ((*first)[1].number, "+447911000001");
  EXPECT_EQ((*first)[2].number, "+447911000002");
  auto second = store_->ListSuppressions(SuppressionQuery{
      .limit = 3, .after_number = "+447911000002", .all_accounts = true, .after_account = "acme"});
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].account, "globex");
  auto global = store_->ListSuppressions(SuppressionQuery{.account = ""});
  ASSERT_EQ(global->size(), 1u);
  EXPECT_EQ((*global)[0].source, "cli");
  EXPECT_EQ(store_->ListSuppressions(SuppressionQuery{.account = "acme"})->size(), 2u);
}

TEST_F(DeliveryStoreTest, LastSenderAccountIgnoresComplianceReplies) {
  InboundRecord mo{.id = "mo1", .from = "+447911123456", .to = "Deliverer", .at_ms = 1000};
  ComplianceReply reply = Reply("r1", clock_.NowUnixMillis(), 0);
  reply.message.from = "Deliverer";
  reply.message.account = "_system";
  ASSERT_TRUE(Inbound(mo, {.reply = reply})->reply.has_value());
  EXPECT_EQ(*store_->LastSenderAccount("+447911123456", "Deliverer"), "");
}

TEST_F(DeliveryStoreTest, LastSenderAccountFindsWhoWroteToTheSubscriber) {
  Insert("x1");
  EXPECT_EQ(*store_->LastSenderAccount("+447911123456", "Deliverer"), "acme");
  EXPECT_EQ(*store_->LastSenderAccount("+447911123456", "Other"), "");
}

}  // namespace
}  // namespace deliverer::store::sqlite

namespace deliverer::store::sqlite {
namespace {

// docs/operations.md "Background jobs": bodies first, rows later, nothing still in flight.
TEST_F(DeliveryStoreTest, RetentionClearsEndedBodiesThenDeletesEndedRows) {
  Insert("ended");
  Insert("in-flight");
  ASSERT_EQ(Change({Sent("ended", {"e1"})})[0]->outcome, ChangeOutcome::kApplied);
  Receipt("e1", MsgStatus::kDelivered);
  ASSERT_TRUE(Inbound(InboundRecord{.id = "mo1", .carrier = "sim-a", .from = "+447911123456", .to = "12345",
                                    .body = "hello back", .at_ms = clock_.NowUnixMillis()},
                      {}).ok());
  const int64_t later = clock_.NowUnixMillis() + 1;

  auto bodies = store_->ApplyRetention({.bodies_before_ms = later, .rows_before_ms = 0});
  ASSERT_TRUE(bodies.ok()) << bodies.error().detail;
  EXPECT_EQ(bodies->bodies_cleared, 2) << "the ended message's and the inbound one's";
  EXPECT_EQ(bodies->messages_deleted, 0);
  EXPECT_TRUE((*store_->GetForDelivery("ended"))->body.empty());
  EXPECT_EQ((*store_->GetForDelivery("in-flight"))->body, "hello") << "still needed to deliver";
  EXPECT_EQ(StatusOf("ended"), MsgStatus::kDelivered) << "the row stays until its own retention";

  auto rows = store_->ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->messages_deleted, 1);
  EXPECT_EQ(rows->inbound_deleted, 1);
  EXPECT_FALSE(rows->more);
  EXPECT_FALSE(store_->GetMessage("ended", true)->has_value());
  EXPECT_TRUE(store_->GetMessage("in-flight", false)->has_value());
  EXPECT_TRUE(store_->ListInbound(InboundQuery{})->empty());
}

TEST_F(DeliveryStoreTest, RetentionWorksInBoundedPasses) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = "m" + std::to_string(i);
    Insert(id);
    ASSERT_EQ(Change({Sent(id, {"k" + std::to_string(i)})})[0]->outcome, ChangeOutcome::kApplied);
    Receipt("k" + std::to_string(i), MsgStatus::kDelivered);
  }
  const int64_t later = clock_.NowUnixMillis() + 1;
  auto first = store_->ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later, .batch = 2});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->messages_deleted, 2);
  EXPECT_TRUE(first->more);
  int64_t deleted = first->messages_deleted;
  for (int pass = 0; pass < 5 && deleted < 5; ++pass) {
    deleted += store_->ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later, .batch = 2})->messages_deleted;
  }
  EXPECT_EQ(deleted, 5);
}

}  // namespace
}  // namespace deliverer::store::sqlite
