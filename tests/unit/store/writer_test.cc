// The group-commit writer with a log sync of its own (writer.h): nothing is finished
// before the sync that covers its commit has returned, a failed sync fails that batch and
// every later one, and jobs finish in the order they were committed.
#include "store/sql/writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/wal_sync.h"
#include "support/test_dir.h"

namespace deliverer::store::sqlite {
namespace {

using sql::GroupCommitWriter;
using sql::WriteJob;

// Inserts its number into t(n) and reports when it was applied and how it finished.
class NumberJob final : public WriteJob {
 public:
  NumberJob(int n, std::function<void()> applied, std::function<void(int, Status)> finished)
      : n_(n), applied_(std::move(applied)), finished_(std::move(finished)) {}
  void Apply(sql::Connection& db) override {
    auto stmt = db.Prepare("INSERT INTO t(n) VALUES (?)");
    ASSERT_TRUE(stmt.ok());
    stmt->Bind(1, int64_t{n_});
    ASSERT_TRUE(stmt->Run().ok());
    if (applied_) applied_();
  }
  void Finish(const Status& commit) override { finished_(n_, commit); }

 private:
  int n_;
  std::function<void()> applied_;
  std::function<void(int, Status)> finished_;
};

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("writer");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Connection> OpenWithTable() {
    auto db = Connection::Open((dir_ / "w.db").string(), /*read_only=*/false);
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE((*db)->Exec("CREATE TABLE t(n INTEGER)").ok());
    EXPECT_TRUE((*db)->Exec("PRAGMA synchronous=NORMAL").ok());
    return std::move(*db);
  }

  int64_t RowsOnDisk() {
    auto db = Connection::Open((dir_ / "w.db").string(), /*read_only=*/true);
    EXPECT_TRUE(db.ok());
    auto stmt = (*db)->Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(stmt->Step().ok());
    return stmt->Int(0);
  }

  std::filesystem::path dir_;
};

TEST_F(WriterTest, AJobFinishesOnlyOnceTheSyncCoveringItsCommitReturns) {
  std::promise<void> sync_entered;
  std::promise<void> release_sync;
  auto release = release_sync.get_future().share();
  std::atomic<int> syncs = 0;
  GroupCommitWriter writer(OpenWithTable(), 100, [&]() -> Status {
    if (syncs++ == 0) {
      sync_entered.set_value();
      release.wait();
    }
    return Status::Ok();
  });

  std::promise<Status> finished;
  writer.Submit(std::make_unique<NumberJob>(1, nullptr, [&](int, Status s) { finished.set_value(s); }));
  sync_entered.get_future().wait();
  // Committed (other connections see the row) but not yet durable: not finished.
  EXPECT_EQ(RowsOnDisk(), 1);
  auto outcome = finished.get_future();
  EXPECT_EQ(outcome.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  release_sync.set_value();
  EXPECT_TRUE(outcome.get().ok());
}

TEST_F(WriterTest, AFailedSyncFailsItsBatchAndEveryLaterOne) {
  std::atomic<int> syncs = 0;
  GroupCommitWriter writer(OpenWithTable(), 100, [&]() -> Status {
    // Only the first sync fails; a later success must not be believed.
    return syncs++ == 0 ? Status(Error::Of("storage_error", "cannot sync the write-ahead log: EIO"))
                        : Status::Ok();
  });
  for (int n = 1; n <= 2; ++n) {
    std::promise<Status> finished;
    writer.Submit(std::make_unique<NumberJob>(n, nullptr, [&](int, Status s) { finished.set_value(s); }));
    Status s = finished.get_future().get();
    ASSERT_FALSE(s.ok()) << "job " << n;
    EXPECT_EQ(s.error().code, "storage_error");
  }
  EXPECT_EQ(syncs.load(), 1);
  // The second job was refused, not committed: a write answered as failed stays out.
  EXPECT_EQ(RowsOnDisk(), 1);
  EXPECT_FALSE(writer.Health().ok());
}

TEST_F(WriterTest, AFailedCommitMakesTheWriterUnhealthyUntilAProbeCommits) {
  auto db = OpenWithTable();
  // A deferred foreign key is checked at COMMIT: a way to make a commit fail on demand.
  ASSERT_TRUE(db->Exec("CREATE TABLE parent(id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Exec("CREATE TABLE child(p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)").ok());
  ASSERT_TRUE(db->Exec("PRAGMA foreign_keys=ON").ok());
  std::atomic<int> syncs = 0;
  GroupCommitWriter writer(std::move(db), 100, [&] {
    ++syncs;
    return Status::Ok();
  });
  EXPECT_TRUE(writer.Health().ok());

  std::promise<Status> orphan;
  class OrphanJob final : public WriteJob {
   public:
    explicit OrphanJob(std::promise<Status>& done) : done_(done) {}
    void Apply(sql::Connection& db) override { ASSERT_TRUE(db.Exec("INSERT INTO child VALUES (42)").ok()); }
    void Finish(const Status& commit) override { done_.set_value(commit); }
    std::promise<Status>& done_;
  };
  writer.Submit(std::make_unique<OrphanJob>(orphan));
  ASSERT_FALSE(orphan.get_future().get().ok());
  EXPECT_FALSE(writer.Health().ok());
  const int syncs_before = syncs.load();

  writer.Probe();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!writer.Health().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_TRUE(writer.Health().ok());
  // The probe went through a real commit and its sync, and left no row behind.
  EXPECT_EQ(syncs.load(), syncs_before + 1);
  EXPECT_EQ(RowsOnDisk(), 0);
}

TEST_F(WriterTest, JobsFinishInTheOrderTheyWereSubmitted) {
  // A slow sync makes the writer commit several batches while one is syncing.
  GroupCommitWriter writer(OpenWithTable(), 7, [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return Status::Ok();
  });
  std::mutex mutex;
  std::vector<int> order;
  std::promise<void> all;
  constexpr int kJobs = 200;
  for (int n = 0; n < kJobs; ++n) {
    writer.Submit(std::make_unique<NumberJob>(n, nullptr, [&](int done, Status s) {
      EXPECT_TRUE(s.ok());
      std::lock_guard lock(mutex);
      order.push_back(done);
      if (order.size() == kJobs) all.set_value();
    }));
  }
  all.get_future().wait();
  for (int n = 0; n < kJobs; ++n) ASSERT_EQ(order[n], n);
  EXPECT_EQ(RowsOnDisk(), kJobs);
}

TEST_F(WriterTest, TheLogSyncOpensTheDatabasesLogAndSyncsIt) {
  auto db = OpenWithTable();  // WAL mode: the log exists beside the database
  auto sync = WalSync::Open((dir_ / "w.db").string());
  ASSERT_TRUE(sync.ok()) << sync.error().detail;
  EXPECT_TRUE((*sync)->Sync().ok());
}

TEST_F(WriterTest, TheLogSyncRefusesAFolderThatIsNotThere) {
  auto sync = WalSync::Open((dir_ / "missing" / "w.db").string());
  ASSERT_FALSE(sync.ok());
  EXPECT_EQ(sync.error().code, "storage_error");
}

}  // namespace
}  // namespace deliverer::store::sqlite

namespace deliverer::store::sqlite {
namespace {

// Under a steady stream of commits the checkpointer's own passes never finish the log
// (each finds frames written while it ran), so SQLite never starts it over. The writer's
// checkpoint, asked for between two batches, leaves nothing behind: the next commit
// writes the log from its start again.
TEST_F(WriterTest, ACheckpointAskedOfTheWriterStartsTheLogOver) {
  const auto path = (dir_ / "w.db").string();
  GroupCommitWriter writer(OpenWithTable(), /*max_batch=*/1);
  auto commit = [&](int n) {
    std::promise<Status> finished;
    writer.Submit(std::make_unique<NumberJob>(n, nullptr, [&](int, Status s) { finished.set_value(s); }));
    ASSERT_TRUE(finished.get_future().get().ok());
  };
  auto log_bytes = [&] { return std::filesystem::file_size(path + "-wal"); };
  // 300 commits, a frame each at least, under wal_autocheckpoint's 1,000 pages.
  for (int n = 0; n < 300; ++n) commit(n);
  const auto grown = log_bytes();
  EXPECT_GE(grown, 300u * 4096);

  writer.RequestCheckpoint();
  // Written from the start of the log again, the next 100 frames do not lengthen it.
  for (int n = 300; n < 400; ++n) commit(n);
  EXPECT_EQ(log_bytes(), grown);
  EXPECT_EQ(RowsOnDisk(), 400);
}

// Jobs that trickle in while the interval since the last commit runs share one commit
// (one sync); without the interval each would have its own.
TEST_F(WriterTest, JobsArrivingWithinTheMinimumIntervalShareOneCommit) {
  std::atomic<int> syncs = 0;
  GroupCommitWriter writer(OpenWithTable(), 100, [&] {
    ++syncs;
    return Status::Ok();
  }, std::chrono::milliseconds(300));
  std::mutex mutex;
  std::vector<std::promise<void>> finished(11);
  auto submit = [&](int n) {
    writer.Submit(std::make_unique<NumberJob>(n, nullptr, [&](int done, Status s) {
      EXPECT_TRUE(s.ok());
      std::lock_guard lock(mutex);
      finished[done].set_value();
    }));
  };
  submit(0);  // after a quiet spell: committed at once
  finished[0].get_future().wait();
  EXPECT_EQ(syncs.load(), 1);
  for (int n = 1; n <= 10; ++n) {
    submit(n);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // producers trickling in
  }
  for (int n = 1; n <= 10; ++n) finished[n].get_future().wait();
  EXPECT_EQ(syncs.load(), 2);
  EXPECT_EQ(RowsOnDisk(), 11);
}

// What the batch as a whole writes (the audit of its sends) is written once per batch,
// after its jobs, in its transaction: its failure leaves nothing of the batch.
TEST_F(WriterTest, TheBatchsOwnWriteRunsOnceAfterItsJobsAndItsFailureFailsThemAll) {
  std::vector<int64_t> rows_seen;  // writer thread only, read after the writer is gone
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> gate_applied;
  std::vector<std::promise<Status>> finished(3);
  {
    GroupCommitWriter writer(OpenWithTable(), 100, {}, {}, [&](sql::Connection& db) -> Status {
      auto stmt = db.Prepare("SELECT count(*) FROM t");
      if (!stmt.ok() || !stmt->Step().ok()) return Error::Of("test", "cannot count");
      rows_seen.push_back(stmt->Int(0));
      if (rows_seen.size() == 2) return Error::Of("storage_error", "the batch's own write failed");
      return Status::Ok();
    });
    auto report = [&](int n, Status s) { finished[n].set_value(s); };
    // Job 0 holds the writer until jobs 1 and 2 are queued behind it: they share a batch.
    writer.Submit(std::make_unique<NumberJob>(0, [&] {
      gate_applied.set_value();
      released.wait();
    }, report));
    gate_applied.get_future().wait();
    writer.Submit(std::make_unique<NumberJob>(1, nullptr, report));
    writer.Submit(std::make_unique<NumberJob>(2, nullptr, report));
    release.set_value();
    EXPECT_TRUE(finished[0].get_future().get().ok());
    const Status one = finished[1].get_future().get();
    const Status two = finished[2].get_future().get();
    ASSERT_FALSE(one.ok());
    EXPECT_EQ(one.error().detail, "the batch's own write failed");
    EXPECT_FALSE(two.ok());
  }
  EXPECT_EQ(rows_seen, (std::vector<int64_t>{1, 3})) << "once per batch, after all its jobs";
  EXPECT_EQ(RowsOnDisk(), 1) << "nothing of the failed batch";
}

}  // namespace
}  // namespace deliverer::store::sqlite
