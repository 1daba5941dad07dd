// MessageStore: ingest with idempotency, reads, listing order and cursors, the queue depth.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class MessagesConformance : public ConformanceTest {};

TEST_P(MessagesConformance, ANewMessageIsQueuedWithItsEvent) {
  NewMessage m = Message("m1");
  m.client_ref = "order-7";
  m.segments = 2;
  auto created = Insert(m);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->outcome, InsertOutcome::kCreated);
  EXPECT_EQ(created->record.status, MsgStatus::kQueued);
  const MessageRecord r = Record("m1");
  EXPECT_EQ(r.account, "acme");
  EXPECT_EQ(r.to, "+447911123456");
  EXPECT_EQ(r.client_ref, "order-7");
  EXPECT_EQ(r.segments, 2);
  EXPECT_EQ(r.created_at_ms, clock_.NowUnixMillis());
  EXPECT_EQ(EventsOf("m1"), std::vector<MsgStatus>{MsgStatus::kQueued});
  EXPECT_TRUE(messages().GetMessage("m1", /*with_events=*/false)->value().events.empty());
  EXPECT_FALSE(messages().GetMessage("nope", true)->has_value());
}

TEST_P(MessagesConformance, TheSamePayloadAgainReplaysTheOriginal) {
  ASSERT_TRUE(Insert(Message("m1", "+447911123456", "first")).ok());
  clock_.Advance(Millis(1000));
  auto again = Insert(Message("m1", "+447911123456", "first"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, InsertOutcome::kReplayed);
  EXPECT_EQ(again->record.created_at_ms, clock_.NowUnixMillis() - 1000) << "the original";
  EXPECT_EQ(messages().PendingCount(), 1) << "a replay stores nothing";
}

TEST_P(MessagesConformance, AnotherPayloadOrAccountOrAReplayPastTheWindowConflicts) {
  ASSERT_TRUE(Insert(Message("m1")).ok());
  NewMessage other_payload = Message("m1");
  other_payload.payload_hash = "something else";
  EXPECT_EQ(Insert(other_payload)->outcome, InsertOutcome::kConflict);
  NewMessage other_account = Message("m1");
  other_account.account = "globex";
  EXPECT_EQ(Insert(other_account)->outcome, InsertOutcome::kConflict);
  clock_.Advance(Millis(kIdempotencyWindowMs));
  EXPECT_EQ(Insert(Message("m1"))->outcome, InsertOutcome::kConflict) << "the window has passed";
  EXPECT_EQ(Record("m1").account, "acme");
}

TEST_P(MessagesConformance, ResultsOfABatchAreInInputOrder) {
  ASSERT_TRUE(Insert(Message("b")).ok());
  NewMessage conflicting = Message("b");
  conflicting.payload_hash = "other";
  auto results = InsertAll({Message("a"), conflicting, Message("c")});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]->outcome, InsertOutcome::kCreated);
  EXPECT_EQ(results[0]->record.id, "a");
  EXPECT_EQ(results[1]->outcome, InsertOutcome::kConflict);
  EXPECT_EQ(results[2]->outcome, InsertOutcome::kCreated);
  EXPECT_EQ(messages().PendingCount(), 3);
}

TEST_P(MessagesConformance, ListingIsNewestFirstAndCursorsNeverRepeatARow) {
  // Two pairs share a creation time: ties go by id, descending.
  for (int i = 0; i < 6; ++i) {
    NewMessage m = Message("m" + std::to_string(i));
    m.created_at_ms = 1000 + i / 2;
    ASSERT_TRUE(Insert(m).ok());
  }
  std::vector<std::string> seen;
  MessageQuery q{.account = "acme", .limit = 4};
  for (int page = 0; page < 3; ++page) {
    auto rows = messages().ListMessages(q);
    ASSERT_TRUE(rows.ok());
    for (const MessageRecord& r : rows->messages) seen.push_back(r.id);
    if (!rows->more) break;
    q.after_created_at_ms = rows->messages.back().created_at_ms;
    q.after_id = rows->messages.back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"m5", "m4", "m3", "m2", "m1", "m0"}));
  auto exact = messages().ListMessages(MessageQuery{.limit = 6});
  EXPECT_FALSE(exact->more) << "no page after the last row";
}

TEST_P(MessagesConformance, ListingFilters) {
  NewMessage a = Message("a", "+447911000001");
  a.client_ref = "x";
  a.created_at_ms = 1000;
  NewMessage b = Message("b", "+447911000002");
  b.account = "globex";
  b.created_at_ms = 2000;
  NewMessage c = Message("c", "+447911000001");
  c.from = "Other";
  c.created_at_ms = 3000;
  for (const NewMessage& m : {a, b, c}) ASSERT_TRUE(Insert(m).ok());
  ASSERT_TRUE(ChangeOne(Sent("c", {"k"})).applied());
  auto ids = [&](MessageQuery q) {
    std::vector<std::string> out;
    auto page = messages().ListMessages(q);
    for (const MessageRecord& r : page->messages) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids({.account = "acme"}), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(ids({}), (std::vector<std::string>{"c", "b", "a"})) << "every account";
  EXPECT_EQ(ids({.status = MsgStatus::kSent}), std::vector<std::string>{"c"});
  EXPECT_EQ(ids({.to = "+447911000001"}), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(ids({.from = "Other"}), std::vector<std::string>{"c"});
  EXPECT_EQ(ids({.client_ref = "x"}), std::vector<std::string>{"a"});
  EXPECT_EQ(ids({.since_ms = 2000, .until_ms = 3000}), (std::vector<std::string>{"c", "b"})) << "inclusive";
}

TEST_P(MessagesConformance, PendingCountIsWhatWaitsForACarrier) {
  Queue("a");
  Queue("b");
  Queue("c");
  EXPECT_EQ(messages().PendingCount(), 3);
  ASSERT_TRUE(ChangeOne(Sent("a", {"ka"})).applied());
  EXPECT_EQ(messages().PendingCount(), 2) << "sent messages no longer wait on us";
  ASSERT_TRUE(ChangeOne(StatusChange{.message_id = "b", .status = MsgStatus::kQueued, .at_ms = 5, .attempts = 1})
                  .applied());
  EXPECT_EQ(messages().PendingCount(), 2) << "a retry still waits";
  ASSERT_TRUE(ChangeOne(StatusChange{.message_id = "c", .status = MsgStatus::kRejected, .at_ms = 6}).applied());
  EXPECT_EQ(messages().PendingCount(), 1);
  EXPECT_TRUE(messages().Ping().ok());
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(MessagesConformance, Concern::kMessages);

}  // namespace deliverer::store::conformance
