// What a message leaves in SQLite's files, row by row (docs/storage-schema.md "Rows per
// message"): no event row for `queued`, which is the message's created_at, and no outbox
// row once its webhook is delivered. The API's view of the message is the same as when
// both were rows (the conformance suite checks that view on both backends).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>

#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

using MsgStatus = model::Status;

class LeanRowsTest : public testing::StoreFixture {
 protected:
  // One number from the database file, read beside the store as an operator would.
  int64_t Count(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((dir_ / "deliverer.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    int64_t n = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }
  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "deliverer.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_free(error);
    sqlite3_close(db);
  }

  void Sent(const std::string& id) {
    std::promise<std::vector<Result<ChangeResult>>> done;
    StatusChange sent{.message_id = id, .status = MsgStatus::kSent, .at_ms = 1500, .carrier = "sim-a",
                      .attempts = 1, .segments = {SegmentSubmit{0, "k-" + id, "k-" + id}},
                      .receipt_due_ms = 100'000};
    store_->RecordChanges({sent}, [&](auto r) { done.set_value(std::move(r)); });
    ASSERT_TRUE(done.get_future().get()[0].ok());
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
  ASSERT_NO_FATAL_FAILURE(Sent("m-1"));
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
  Exec("INSERT INTO events (message_id, at, status, carrier, detail) VALUES ('m-old', 5, 0, '', '')");
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
    ASSERT_NO_FATAL_FAILURE(Sent(id));
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
