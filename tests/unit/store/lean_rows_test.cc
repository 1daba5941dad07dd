// What a message leaves in SQLite's files, row by row (docs/storage-schema.md "Rows per
// message"): no event row for `queued`, which is the message's created_at, and no outbox
// row once its webhook is delivered. The API's view of the message is the same as when
// both were rows (the conformance suite checks that view on both backends).
#include <gtest/gtest.h>
#include <string>

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
  EXPECT_EQ(Count("SELECT count(*) FROM events"), 1) << "sent is a row of its own";
  const std::vector<MessageEvent> after = Events("m-1");
  ASSERT_EQ(after.size(), 2U);
  EXPECT_EQ(after[0].status, MsgStatus::kQueued);
  EXPECT_EQ(after[1].status, MsgStatus::kSent);
  EXPECT_EQ(after[1].carrier, "sim-a");
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

}  // namespace
}  // namespace deliverer::store::sqlite
