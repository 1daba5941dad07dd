// What a message leaves in SQLite's files, row by row (docs/storage-schema.md "Rows per
// message"): no event row for `queued`, `sent` or its final status, which its row holds;
// no outbox row once its webhook is delivered; one audit entry for the sends of one
// commit; a payload hash of 8 bytes. The API's view of the message is the same as when
// they were rows (the conformance suite checks that view on both backends).
#include <gtest/gtest.h>
#include <string>

#include "crypto/cipher.h"
#include "store/sqlite/migrations.h"
#include "store/sql/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

using MsgStatus = model::Status;

class LeanRowsTest : public testing::StoreFixture {
 protected:
  int64_t Count(const std::string& sql) {
    const std::string text = One(sql);
    return text.empty() ? -1 : std::stoll(text);
  }

  std::vector<WebhookJob> Due() {
    auto due = store_->DueWebhooks(clock_.NowUnixMillis() + 1'000'000, 100, {});
    EXPECT_TRUE(due.ok());
    return due.ok() ? *due : std::vector<WebhookJob>{};
  }
  void Complete(std::vector<WebhookDone> done_rows) {
    std::promise<deliverer::Status> done;
    store_->CompleteWebhooks(std::move(done_rows), [&](deliverer::Status s) { done.set_value(s); });
    ASSERT_TRUE(done.get_future().get().ok());
  }
  void Receipt(const std::string& key, MsgStatus status, const std::string& code, int64_t at_ms) {
    std::promise<std::vector<Result<ReceiptResult>>> done;
    store_->ApplyReceipts({ReceiptIn{"sim-a", key, key, status, code, at_ms}},
                          [&](auto r) { done.set_value(std::move(r)); });
    auto results = done.get_future().get();
    ASSERT_TRUE(results[0].ok());
    ASSERT_NE(results[0]->kind, ReceiptResult::Kind::kParked) << key << " matched no submit";
  }
  // Records `id` sent by sim-a with these segments' carrier ids (the match key is the id).
  void Sent(const std::string& id, const std::vector<std::string>& keys) {
    StatusChange sent{.message_id = id, .status = MsgStatus::kSent, .at_ms = 1500, .carrier = "sim-a",
                      .attempts = 1, .receipt_due_ms = 100'000};
    for (size_t i = 0; i < keys.size(); ++i) sent.segments.push_back(SegmentSubmit{static_cast<int>(i), keys[i], keys[i]});
    std::promise<std::vector<Result<ChangeResult>>> done;
    store_->RecordChanges({sent}, [&](auto r) { done.set_value(std::move(r)); });
    auto results = done.get_future().get();
    ASSERT_TRUE(results[0].ok());
    ASSERT_TRUE(results[0]->applied());
  }
  MsgStatus StatusOf(const std::string& id) {
    auto m = store_->GetMessage(id, false);
    EXPECT_TRUE(m.ok() && m->has_value());
    return (m.ok() && m->has_value()) ? (*m)->status : MsgStatus::kQueued;
  }
  std::vector<MessageEvent> Events(const std::string& id) {
    auto m = store_->GetMessage(id, /*with_events=*/true);
    EXPECT_TRUE(m.ok() && m->has_value());
    return (m.ok() && m->has_value()) ? (*m)->events : std::vector<MessageEvent>{};
  }
};

TEST_F(LeanRowsTest, QueuedIsTheCreationTimeNotARow) {
  ASSERT_TRUE(Insert(Message("m-1", "+447911123456", "hello")).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM events"), 0);
  const std::vector<MessageEvent> events = Events("m-1");
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].status, MsgStatus::kQueued);
  auto record = store_->GetMessage("m-1", false);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ(events[0].at_ms, (*record)->created_at_ms);
  ASSERT_NO_FATAL_FAILURE(MarkSent("m-1"));
  EXPECT_EQ(Count("SELECT count(*) FROM events"), 0) << "sent is the row's sent_at";
  const std::vector<MessageEvent> after = Events("m-1");
  ASSERT_EQ(after.size(), 2U);
  EXPECT_EQ(after[0].status, MsgStatus::kQueued);
  EXPECT_EQ(after[1].status, MsgStatus::kSent);
  EXPECT_EQ(after[1].at_ms, 1500);
  EXPECT_EQ(after[1].carrier, "sim-a");
}

TEST_F(LeanRowsTest, TheFinalEventIsTheRowsDoneAtAndDetail) {
  ASSERT_TRUE(Insert(Message("m-1", "+447911123456", "hello")).ok());
  ASSERT_NO_FATAL_FAILURE(MarkSent("m-1"));
  ASSERT_NO_FATAL_FAILURE(Receipt("k-m-1", MsgStatus::kDelivered, "DELIVRD/000", 2500));
  EXPECT_EQ(Count("SELECT count(*) FROM events"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM submits"), 0) << "the row holds its one submit";
  const std::vector<MessageEvent> events = Events("m-1");
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[2], (MessageEvent{MsgStatus::kDelivered, 2500, "sim-a", "DELIVRD/000"}));
}

// A database of schema 8 held the sent and final events as rows: migration 9 folds them
// into the row, and the history reads the same.
TEST_F(LeanRowsTest, EventRowsFromBeforeAreFoldedIntoTheRow) {
  ASSERT_TRUE(Insert(Message("m-old", "+447911123456", "hello")).ok());
  ASSERT_NO_FATAL_FAILURE(MarkSent("m-old"));
  ASSERT_NO_FATAL_FAILURE(Receipt("k-m-old", MsgStatus::kFailed, "UNDELIV/001", 2500));
  const std::vector<MessageEvent> before = Events("m-old");
  BackToVersion(8);
  Sql("INSERT INTO events (message_id, at, status, carrier, detail) VALUES"
      " ('m-old', 1500, 2, 'sim-a', ''), ('m-old', 2500, 5, 'sim-a', 'UNDELIV/001');");
  Reopen();
  EXPECT_EQ(Count("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(Count("SELECT count(*) FROM events"), 0);
  EXPECT_EQ(Events("m-old"), before);
}

TEST_F(LeanRowsTest, SendsCommittedTogetherAreOneAuditEntryPerKey) {
  std::vector<NewMessage> batch;
  for (const char* id : {"a-1", "a-2", "b-1", "a-3"}) {
    NewMessage m = Message(id, "+447911123456", "hello");
    m.key_id = id[0] == 'a' ? "dlv_a" : "dlv_b";
    m.source_ip = "192.0.2.1";
    m.created_at_ms = 1000;
    batch.push_back(m);
  }
  std::promise<std::vector<Result<InsertResult>>> done;
  store_->InsertMessages(std::move(batch), [&](auto results) { done.set_value(std::move(results)); });
  for (const auto& r : done.get_future().get()) ASSERT_TRUE(r.ok());
  auto audit = store_->ListAudit(AuditQuery{.action = "message.send"});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2U);
  EXPECT_EQ((*audit)[0].key_id, "dlv_a");
  EXPECT_EQ((*audit)[0].target, "a-1");
  EXPECT_EQ((*audit)[0].count, 3);
  EXPECT_EQ((*audit)[1].key_id, "dlv_b");
  EXPECT_EQ((*audit)[1].target, "b-1");
  EXPECT_EQ((*audit)[1].count, 1);
  // A replay creates nothing and is not a send.
  ASSERT_TRUE(Insert(Message("a-1", "+447911123456", "hello")).ok());
  EXPECT_EQ(store_->ListAudit(AuditQuery{.action = "message.send"})->size(), 2U);
}

TEST_F(LeanRowsTest, APayloadHashIsEightBytesAndOneFromBeforeStillMatches) {
  ASSERT_TRUE(Insert(Message("m-1", "+447911123456", "hello")).ok());
  EXPECT_EQ(One("SELECT typeof(payload_hash) || length(payload_hash) FROM messages"), "blob8");
  crypto::Cipher cipher(crypto::NewKeyRing(1000));
  const std::string keyed = sql::KeyedPayloadHash(cipher, "raw");
  EXPECT_TRUE(sql::PayloadHashMatches(cipher, keyed, "raw"));
  EXPECT_FALSE(sql::PayloadHashMatches(cipher, keyed, "other"));
  const std::string k1 = "k1:" + cipher.KeyedHash("payload/raw");
  EXPECT_TRUE(sql::PayloadHashMatches(cipher, k1, "raw"));
  EXPECT_FALSE(sql::PayloadHashMatches(cipher, k1, "other"));
  EXPECT_TRUE(sql::IsKeyedPayloadHash(keyed) && sql::IsKeyedPayloadHash(k1));
  EXPECT_FALSE(sql::IsKeyedPayloadHash("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
}

// A database written before: its queued row is shown once, not twice.
TEST_F(LeanRowsTest, AQueuedRowFromBeforeIsShownOnce) {
  ASSERT_TRUE(Insert(Message("m-old", "+447911123456", "hello")).ok());
  store_.reset();
  Sql("INSERT INTO events (message_id, at, status, carrier, detail) VALUES ('m-old', 5, 0, '', '')");
  Reopen();
  const std::vector<MessageEvent> events = Events("m-old");
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].status, MsgStatus::kQueued);
  EXPECT_EQ(events[0].at_ms, 5);
}

TEST_F(LeanRowsTest, ADeliveredWebhookLeavesNoRowAFailedOneStaysDue) {
  for (const char* id : {"m-ok", "m-retry", "m-dead"}) {
    NewMessage m = Message(id, "+447911123456", "hello");
    m.callback_url = "https://producer.example/hook";
    ASSERT_TRUE(Insert(m).ok());
    ASSERT_NO_FATAL_FAILURE(MarkSent(id));
  }
  const std::vector<WebhookJob> due = Due();
  ASSERT_EQ(due.size(), 3U);
  std::vector<WebhookDone> outcomes;
  for (const WebhookJob& job : due) {
    if (job.message_id == "m-ok") outcomes.push_back({job.event_id, true, 0});
    if (job.message_id == "m-retry") outcomes.push_back({job.event_id, false, clock_.NowUnixMillis() + 60'000});
    if (job.message_id == "m-dead") outcomes.push_back({job.event_id, false, 0});
  }
  ASSERT_NO_FATAL_FAILURE(Complete(outcomes));
  EXPECT_EQ(Count("SELECT count(*) FROM webhooks w JOIN messages m ON m.id = w.message_id WHERE m.id = 'm-ok'"), 0);
  EXPECT_EQ(Count("SELECT state FROM webhooks WHERE message_id = 'm-retry'"), 0) << "pending, due later";
  EXPECT_EQ(Count("SELECT attempts FROM webhooks WHERE message_id = 'm-retry'"), 1);
  EXPECT_EQ(Count("SELECT state FROM webhooks WHERE message_id = 'm-dead'"), 2) << "given up, kept";
  const std::vector<WebhookJob> again = Due();
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].message_id, "m-retry");
  EXPECT_EQ(store_->PendingWebhooks().value(), 1);
}

// A longer message's segments are submits rows; a single segment is its row's match_key.
TEST_F(LeanRowsTest, OnlyASingleSegmentsSubmitIsHeldByTheRow) {
  NewMessage longer = Message("m-long", "+447911123456", "hello");
  longer.segments = 2;
  ASSERT_TRUE(Insert(longer).ok());
  ASSERT_TRUE(Insert(Message("m-one", "+447911123456", "hello")).ok());
  ASSERT_NO_FATAL_FAILURE(Sent("m-long", {"k1", "k2"}));
  ASSERT_NO_FATAL_FAILURE(Sent("m-one", {"k3"}));
  EXPECT_EQ(Count("SELECT count(*) FROM submits WHERE message_id = 'm-long'"), 2);
  EXPECT_EQ(One("SELECT match_key FROM messages WHERE id = 'm-one'"), "k3");
  EXPECT_EQ(Count("SELECT count(*) FROM messages WHERE match_key IS NOT NULL"), 1);
  ASSERT_NO_FATAL_FAILURE(Receipt("k1", MsgStatus::kDelivered, "DELIVRD/000", 2000));
  EXPECT_EQ(StatusOf("m-long"), MsgStatus::kSent) << "one segment of two";
  ASSERT_NO_FATAL_FAILURE(Receipt("k2", MsgStatus::kDelivered, "DELIVRD/000", 2100));
  EXPECT_EQ(StatusOf("m-long"), MsgStatus::kDelivered);
  ASSERT_NO_FATAL_FAILURE(Receipt("k3", MsgStatus::kFailed, "UNDELIV/001", 2200));
  EXPECT_EQ(StatusOf("m-one"), MsgStatus::kFailed);
}

// Carriers reuse ids once they wrap: a receipt belongs to the newest submit under its id,
// wherever the older one was kept.
TEST_F(LeanRowsTest, AReusedCarrierIdBelongsToTheNewestSubmit) {
  NewMessage longer = Message("m-long", "+447911123456", "hello");
  longer.segments = 2;
  for (const char* id : {"m-old", "m-new"}) ASSERT_TRUE(Insert(Message(id, "+447911123456", "hello")).ok());
  ASSERT_TRUE(Insert(longer).ok());
  ASSERT_NO_FATAL_FAILURE(Sent("m-old", {"k1"}));
  ASSERT_NO_FATAL_FAILURE(Sent("m-new", {"k1"}));
  EXPECT_EQ(Count("SELECT count(*) FROM messages WHERE match_key = 'k1'"), 1);
  ASSERT_NO_FATAL_FAILURE(Receipt("k1", MsgStatus::kDelivered, "DELIVRD/000", 2000));
  EXPECT_EQ(StatusOf("m-new"), MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m-old"), MsgStatus::kSent);
  // Then a segment of a longer message takes the id over from the row.
  ASSERT_NO_FATAL_FAILURE(Sent("m-long", {"k1", "k2"}));
  EXPECT_EQ(Count("SELECT count(*) FROM messages WHERE match_key = 'k1'"), 0);
  ASSERT_NO_FATAL_FAILURE(Receipt("k1", MsgStatus::kFailed, "UNDELIV/001", 2100));
  EXPECT_EQ(StatusOf("m-long"), MsgStatus::kFailed);
  // And a single segment takes it back from the submits table.
  ASSERT_TRUE(Insert(Message("m-last", "+447911123456", "hello")).ok());
  ASSERT_NO_FATAL_FAILURE(Sent("m-last", {"k2"}));
  EXPECT_EQ(Count("SELECT count(*) FROM submits WHERE match_key = 'k2'"), 0);
  ASSERT_NO_FATAL_FAILURE(Receipt("k2", MsgStatus::kDelivered, "DELIVRD/000", 2200));
  EXPECT_EQ(StatusOf("m-last"), MsgStatus::kDelivered);
}

}  // namespace
}  // namespace deliverer::store::sqlite
