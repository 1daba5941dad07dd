// Several processes on one PostgreSQL database (docs/deployment.md): two stores opened on
// the same schema stand for two processes. Ids are unique across them, an accepting
// process hands its queued messages to the delivering one, and every process sees the
// whole queue's depth.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <latch>
#include <set>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/postgres/db.h"
#include "store/postgres/postgres_store.h"
#include "support/eventually.h"
#include "support/postgres_schema.h"
#include "support/services.h"
#include "support/test_dir.h"

namespace deliverer::store::postgres {
namespace {

using test_support::Eventually;

class SharedPostgresStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("pg-shared");
    url_ = test_support::FreshSchemaUrl(test_support::ServiceUrl("postgres"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Another process on the same database and key ring.
  std::unique_ptr<PostgresStore> OpenProcess(bool hands_over, std::chrono::milliseconds depth_every = {}) {
    PostgresOptions options{url_, (dir_ / "keyring").string()};
    options.hands_over = hands_over;
    options.shared_queue_depth_every = depth_every;
    auto store = PostgresStore::Open(options, clock_);
    EXPECT_TRUE(store.ok()) << store.error().detail;
    return store.ok() ? std::move(*store) : nullptr;
  }

  // The process that delivers (its lock: 1684829810 = 0x646c7672, "dlvr"), checking it every 10 ms; `lost` counts the calls
  // saying another process took it.
  std::unique_ptr<PostgresStore> OpenDelivering(std::atomic<int>& lost) {
    PostgresOptions options{url_, (dir_ / "keyring").string()};
    options.sole_deliverer = true;
    options.lock_check_every = std::chrono::milliseconds(10);
    options.on_delivery_lock_lost = [&lost] { ++lost; };
    auto store = PostgresStore::Open(options, clock_);
    EXPECT_TRUE(store.ok()) << store.error().detail;
    return store.ok() ? std::move(*store) : nullptr;
  }

  // The server process holding the delivery lock of this schema; 0 when none does.
  int64_t LockHolder(Connection& admin) {
    auto stmt = admin.Prepare(
        "SELECT coalesce(max(pid), 0) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND classid = CAST(1684829810 AS BIGINT)"
        " AND objid = (CAST(hashtext(current_schema()) AS BIGINT) & 4294967295) AND objsubid = 2");
    EXPECT_TRUE(stmt.ok()) << stmt.error().detail;
    if (!stmt.ok()) return -1;
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return row.ok() && *row ? stmt->Int(0) : -1;
  }

  std::unique_ptr<Connection> Admin() {
    auto db = Connection::Open(url_);
    EXPECT_TRUE(db.ok()) << db.error().detail;
    return db.ok() ? std::move(*db) : nullptr;
  }

  NewMessage Message(const std::string& id, const std::string& body = "hello") {
    NewMessage m;
    m.id = id;
    m.account = "acme";
    m.from = "Deliverer";
    m.to = "+447911123456";
    m.to_region = "GB";
    m.body = body;
    m.payload_hash = "h" + body;
    m.created_at_ms = clock_.NowUnixMillis();
    return m;
  }

  static std::vector<Result<InsertResult>> InsertAll(MessageStore& store, std::vector<NewMessage> batch) {
    std::promise<std::vector<Result<InsertResult>>> done;
    store.InsertMessages(std::move(batch), [&done](auto results) { done.set_value(std::move(results)); });
    return done.get_future().get();
  }

  static std::vector<QueuedRef> TakeHandedOver(DeliveryStore& store, int limit = 100) {
    std::promise<Result<std::vector<QueuedRef>>> done;
    store.TakeHandedOver(limit, [&done](auto taken) { done.set_value(std::move(taken)); });
    auto taken = done.get_future().get();
    EXPECT_TRUE(taken.ok()) << taken.error().detail;
    return taken.ok() ? std::move(*taken) : std::vector<QueuedRef>{};
  }

  static std::vector<std::string> Ids(const std::vector<QueuedRef>& refs) {
    std::vector<std::string> ids;
    for (const QueuedRef& r : refs) ids.push_back(r.id);
    return ids;
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::string url_;
};

TEST_F(SharedPostgresStore, OneIdRacedFromTwoProcessesIsStoredOnceAndReplayedElsewhere) {
  auto a = OpenProcess(/*hands_over=*/true);
  auto b = OpenProcess(/*hands_over=*/true);
  ASSERT_TRUE(a && b);
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = "race-" + std::to_string(round);
    std::latch start(2);
    std::vector<Result<InsertResult>> first, second;
    {
      // Each batch also carries a message of its own, which must not suffer from the race.
      std::jthread ta([&] {
        start.arrive_and_wait();
        first = InsertAll(*a, {Message(id), Message(id + "-a")});
      });
      std::jthread tb([&] {
        start.arrive_and_wait();
        second = InsertAll(*b, {Message(id), Message(id + "-b")});
      });
    }
    ASSERT_EQ(first.size(), 2u);
    ASSERT_EQ(second.size(), 2u);
    for (const auto* results : {&first, &second}) {
      for (const auto& r : *results) ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().detail;
    }
    std::multiset<InsertOutcome> outcomes{first[0]->outcome, second[0]->outcome};
    EXPECT_EQ(outcomes, (std::multiset<InsertOutcome>{InsertOutcome::kCreated, InsertOutcome::kReplayed}));
    EXPECT_EQ(first[1]->outcome, InsertOutcome::kCreated);
    EXPECT_EQ(second[1]->outcome, InsertOutcome::kCreated);
  }
  // Each raced id handed over once: the process that lost the race wrote nothing for it.
  auto handed = TakeHandedOver(*a, 1000);
  EXPECT_EQ(handed.size(), 3u * kRounds);
}

TEST_F(SharedPostgresStore, AnIdStoredByAnotherProcessWithAnotherBodyIsAConflict) {
  auto a = OpenProcess(/*hands_over=*/true);
  auto b = OpenProcess(/*hands_over=*/true);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(InsertAll(*a, {Message("m1", "one")})[0]->outcome, InsertOutcome::kCreated);

  auto other = InsertAll(*b, {Message("m1", "two")});

  ASSERT_TRUE(other[0].ok());
  EXPECT_EQ(other[0]->outcome, InsertOutcome::kConflict);
  EXPECT_EQ(InsertAll(*b, {Message("m1", "one")})[0]->outcome, InsertOutcome::kReplayed);
}

TEST_F(SharedPostgresStore, QueuedMessagesAreHandedOverOnceInAcceptanceOrder) {
  auto accepting = OpenProcess(/*hands_over=*/true);
  auto delivering = OpenProcess(/*hands_over=*/false);
  ASSERT_TRUE(accepting && delivering);
  NewMessage scheduled = Message("later");
  scheduled.send_at_ms = scheduled.created_at_ms + 60'000;
  NewMessage rejected = Message("parts-missing");
  rejected.rejected = model::MessageError{"parts_incomplete", "not every part came", ""};
  InsertAll(*accepting, {Message("q1"), scheduled, rejected, Message("q2")});
  InsertAll(*accepting, {Message("q3")});
  InsertAll(*delivering, {Message("its-own")});  // the delivering process queues its own itself

  EXPECT_EQ(Ids(TakeHandedOver(*delivering, 2)), (std::vector<std::string>{"q1", "q2"}));
  auto rest = TakeHandedOver(*delivering);
  ASSERT_EQ(Ids(rest), std::vector<std::string>{"q3"});
  EXPECT_EQ(rest[0].to, "+447911123456");
  EXPECT_EQ(rest[0].created_at_ms, clock_.NowUnixMillis());
  EXPECT_TRUE(TakeHandedOver(*delivering).empty());
}

TEST_F(SharedPostgresStore, EveryServingProcessSeesTheWholeQueuesDepth) {
  auto accepting = OpenProcess(/*hands_over=*/true, std::chrono::milliseconds(10));
  auto other = OpenProcess(/*hands_over=*/true);
  ASSERT_TRUE(accepting && other);
  InsertAll(*other, {Message("x1"), Message("x2"), Message("x3")});

  Eventually([&] { return accepting->PendingCount() == 3; });
  EXPECT_EQ(accepting->PendingCount(), 3);
  EXPECT_EQ(other->PendingCount(), 3) << "its own count, without a refresh";
}

TEST_F(SharedPostgresStore, ADeliveryLockLostWithItsSessionIsTakenAgain) {
  std::atomic<int> lost{0};
  auto delivering = OpenDelivering(lost);
  auto admin = Admin();
  ASSERT_TRUE(delivering && admin);
  const int64_t first = LockHolder(*admin);
  ASSERT_GT(first, 0);

  // The lock's session ends, as in a server restart or a network failure.
  auto ended = admin->Prepare("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)");
  ASSERT_TRUE(ended.ok());
  ended->Bind(1, first);
  ASSERT_TRUE(ended->Run().ok());

  EXPECT_TRUE(Eventually([&] { return LockHolder(*admin) > 0 && LockHolder(*admin) != first; }));
  EXPECT_EQ(lost, 0);
  PostgresOptions second{url_, (dir_ / "keyring").string()};
  second.sole_deliverer = true;
  auto refused = PostgresStore::Open(second, clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "storage_busy");
}

TEST_F(SharedPostgresStore, ADeliveryLockTakenByAnotherProcessMeanwhileStopsThisOne) {
  std::atomic<int> lost{0};
  auto delivering = OpenDelivering(lost);
  auto admin = Admin();
  ASSERT_TRUE(delivering && admin);
  const int64_t first = LockHolder(*admin);
  ASSERT_GT(first, 0);

  // The session ends, and this one asks for the lock at once, waiting: it is first in the
  // lock's queue when the session's end releases it, before the store's next check.
  Status taken = admin->Exec("SELECT pg_terminate_backend(" + std::to_string(first) +
                             "); SELECT pg_advisory_lock(1684829810, hashtext(current_schema()))");
  ASSERT_TRUE(taken.ok()) << taken.error().detail;
  ASSERT_NE(LockHolder(*admin), first);

  EXPECT_TRUE(Eventually([&] { return lost > 0; }));
  EXPECT_EQ(lost, 1) << "said once";
}

}  // namespace
}  // namespace deliverer::store::postgres
