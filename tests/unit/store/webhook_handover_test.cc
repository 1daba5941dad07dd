// The outbox events a commit writes are handed to the webhook listener once durable
// (OutboxStore::SetWebhookListener), exactly as the dispatcher's outbox read would return
// them; a change rolled back hands nothing over, since it announced nothing.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

using MsgStatus = model::Status;

class WebhookHandoverTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    store_->SetWebhookListener([this](std::vector<WebhookJob> jobs) {
      common::MutexLock lock(mutex_);
      for (WebhookJob& job : jobs) handed_.push_back(std::move(job));
    });
  }
  std::vector<WebhookJob> Handed() {
    common::MutexLock lock(mutex_);
    return handed_;
  }
  std::vector<WebhookJob> Due() {
    auto due = store_->DueWebhooks(clock_.NowUnixMillis() + 1'000'000, 100, {});
    EXPECT_TRUE(due.ok());
    return due.ok() ? *due : std::vector<WebhookJob>{};
  }
  void InsertWithCallback(const std::string& id) {
    NewMessage m = Message(id, "+447911123456", "hello");
    m.callback_url = "https://acme.example/hooks";
    m.client_ref = "order-" + id;
    ASSERT_TRUE(Insert(m).ok());
  }
  std::vector<Result<ChangeResult>> Change(std::vector<StatusChange> changes) {
    std::promise<std::vector<Result<ChangeResult>>> done;
    store_->RecordChanges(std::move(changes), [&](auto r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
  static StatusChange Sent(const std::string& id) {
    return StatusChange{.message_id = id, .status = MsgStatus::kSent, .at_ms = 1500, .carrier = "sim-a",
                        .attempts = 1, .segments = {SegmentSubmit{0, "k-" + id, "k-" + id}},
                        .receipt_due_ms = 100'000};
  }

  static void ExpectSame(const WebhookJob& a, const WebhookJob& b) {
    EXPECT_EQ(a.event_id, b.event_id);
    EXPECT_EQ(a.message_id, b.message_id);
    EXPECT_EQ(a.account, b.account);
    EXPECT_EQ(a.url, b.url);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.previous_status, b.previous_status);
    EXPECT_EQ(a.at_ms, b.at_ms);
    EXPECT_EQ(a.carrier, b.carrier);
    EXPECT_EQ(a.error.has_value(), b.error.has_value());
    if (a.error && b.error) {
      EXPECT_EQ(a.error->code, b.error->code);
      EXPECT_EQ(a.error->detail, b.error->detail);
      EXPECT_EQ(a.error->carrier_code, b.error->carrier_code);
    }
    EXPECT_EQ(a.segments, b.segments);
    EXPECT_EQ(a.client_ref, b.client_ref);
    EXPECT_EQ(a.attempts, b.attempts);
    EXPECT_EQ(a.created_at_ms, b.created_at_ms);
    EXPECT_FALSE(b.inbound.has_value());
  }

  common::Mutex mutex_;
  std::vector<WebhookJob> handed_ GUARDED_BY(mutex_);
};

TEST_F(WebhookHandoverTest, SentAndReceiptEventsAreHandedOverAsTheOutboxReadReturnsThem) {
  ASSERT_NO_FATAL_FAILURE(InsertWithCallback("m-1"));
  auto sent = Change({Sent("m-1")});
  ASSERT_TRUE(sent[0].ok() && sent[0]->applied());
  // The listener runs before the write's own callback: by now it has the event.
  ASSERT_EQ(Handed().size(), 1U);

  std::promise<std::vector<Result<ReceiptResult>>> receipt;
  store_->ApplyReceipts({ReceiptIn{"sim-a", "k-m-1", "k-m-1", MsgStatus::kFailed, "0x0B", 2500}},
                        [&](auto r) { receipt.set_value(std::move(r)); });
  auto applied = receipt.get_future().get();
  ASSERT_TRUE(applied[0].ok());
  ASSERT_EQ(applied[0]->kind, ReceiptResult::Kind::kApplied);

  const std::vector<WebhookJob> handed = Handed();
  const std::vector<WebhookJob> due = Due();
  ASSERT_EQ(handed.size(), 2U);
  ASSERT_EQ(due.size(), 2U);
  for (size_t i = 0; i < due.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSame(handed[i], due[i]);
  }
  EXPECT_EQ(handed[0].status, MsgStatus::kSent);
  EXPECT_EQ(handed[1].previous_status, MsgStatus::kSent);
  EXPECT_TRUE(handed[1].error.has_value()) << "an undelivered message's event carries its error";
}

TEST_F(WebhookHandoverTest, AChangeThatIsRolledBackHandsNothingOver) {
  ASSERT_NO_FATAL_FAILURE(InsertWithCallback("m-1"));
  ASSERT_NO_FATAL_FAILURE(InsertWithCallback("m-2"));
  // m-2's outbox row fails after its status was written: its savepoint is rolled back.
  Sql("CREATE TRIGGER refuse BEFORE INSERT ON webhooks WHEN NEW.message_id = 'm-2'"
      " BEGIN SELECT RAISE(ABORT, 'refused'); END;");
  auto results = Change({Sent("m-1"), Sent("m-2")});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_TRUE(results[0].ok());
  EXPECT_FALSE(results[1].ok());

  const std::vector<WebhookJob> handed = Handed();
  ASSERT_EQ(handed.size(), 1U);
  EXPECT_EQ(handed[0].message_id, "m-1");
  const std::vector<WebhookJob> due = Due();
  ASSERT_EQ(due.size(), 1U) << "only m-1's event is in the outbox";
  ExpectSame(handed[0], due[0]);
}

// The calls made while the writer waits for the database's lock join one job
// (store/sql/delivery_job.h): each still gets its own answers, and one item's failure is
// its own, the others applied and announced.
TEST_F(WebhookHandoverTest, CallsMadeWhileTheWriterWaitsAreAnsweredEachAndFailAlone) {
  for (const char* id : {"m-1", "m-2", "m-3"}) ASSERT_NO_FATAL_FAILURE(InsertWithCallback(id));
  Sql("CREATE TRIGGER refuse BEFORE INSERT ON webhooks WHEN NEW.message_id = 'm-2'"
      " BEGIN SELECT RAISE(ABORT, 'refused'); END;");
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "deliverer.db").c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  std::promise<std::vector<Result<ChangeResult>>> first;
  std::promise<std::vector<Result<ReceiptResult>>> receipt;
  std::promise<std::vector<Result<ChangeResult>>> second;
  store_->RecordChanges({Sent("m-1")}, [&](auto r) { first.set_value(std::move(r)); });
  store_->ApplyReceipts({ReceiptIn{"sim-a", "k-m-1", "k-m-1", MsgStatus::kDelivered, "DELIVRD/000", 2500}},
                        [&](auto r) { receipt.set_value(std::move(r)); });
  store_->RecordChanges({Sent("m-2"), Sent("m-3")}, [&](auto r) { second.set_value(std::move(r)); });
  ASSERT_EQ(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);

  auto one = first.get_future().get();
  auto matched = receipt.get_future().get();
  auto two = second.get_future().get();
  ASSERT_EQ(one.size(), 1U);
  ASSERT_EQ(matched.size(), 1U);
  ASSERT_EQ(two.size(), 2U);
  ASSERT_TRUE(one[0].ok() && one[0]->applied());
  ASSERT_TRUE(matched[0].ok());
  EXPECT_EQ(matched[0]->kind, ReceiptResult::Kind::kApplied) << "it found the submit recorded just before it";
  EXPECT_EQ(matched[0]->status, MsgStatus::kDelivered);
  EXPECT_FALSE(two[0].ok()) << "m-2's outbox row was refused";
  ASSERT_TRUE(two[1].ok());
  EXPECT_TRUE(two[1]->applied());

  std::vector<std::string> announced;
  for (const WebhookJob& job : Handed()) {
    announced.push_back(job.message_id + ":" + std::to_string(static_cast<int>(job.status)));
  }
  EXPECT_EQ(announced, (std::vector<std::string>{"m-1:2", "m-1:3", "m-3:2"}));
  EXPECT_EQ(Due().size(), 3U);
}

TEST_F(WebhookHandoverTest, AMessageWithoutACallbackAnnouncesNothing) {
  ASSERT_TRUE(Insert(Message("m-1", "+447911123456", "hello")).ok());
  auto sent = Change({Sent("m-1")});
  ASSERT_TRUE(sent[0].ok() && sent[0]->applied());
  EXPECT_TRUE(Handed().empty());
  EXPECT_TRUE(Due().empty());
}

}  // namespace
}  // namespace deliverer::store::sqlite
