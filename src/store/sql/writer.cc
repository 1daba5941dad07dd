#include "store/sql/writer.h"

#include <algorithm>

#include "common/log.h"
#include "common/thread_name.h"

namespace deliverer::store::sql {
namespace {

// Rewrites the schema version with the value it has: a change of one page (SQLite's
// header, PostgreSQL's version row) that every commit path, log write and sync included,
// has to carry.
class ProbeJob final : public WriteJob {
 public:
  explicit ProbeJob(std::atomic<bool>& in_flight) : in_flight_(in_flight) {}

  void Apply(Connection& db) override {
    if (db.dialect() == Dialect::kPostgres) {
      (void)db.Exec("UPDATE schema_version SET version = version");
      return;
    }
    auto version = db.Prepare("PRAGMA user_version");
    if (!version.ok()) return;
    auto row = version->Step();
    if (!row.ok() || !*row) return;
    const int64_t value = version->Int(0);
    version->Reset();
    (void)db.Exec("PRAGMA user_version = " + std::to_string(value));
  }

  void Finish(const Status& /*commit*/) override { in_flight_.store(false); }

 private:
  std::atomic<bool>& in_flight_;
};

}  // namespace

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> db, size_t max_batch, LogSync sync,
                                     std::chrono::milliseconds min_commit_interval, BeforeCommit before_commit)
    : db_(std::move(db)), max_batch_(max_batch), sync_(std::move(sync)),
      min_commit_interval_(min_commit_interval), before_commit_(std::move(before_commit)) {
  thread_ = std::thread([this] {
    NameThisThread("writer");
    Run();
  });
  if (sync_) {
    sync_thread_ = std::thread([this] {
      NameThisThread("log-sync");
      RunSync();
    });
  }
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    common::MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (!sync_thread_.joinable()) return;
  {
    common::MutexLock lock(sync_mutex_);
    sync_stopping_ = true;
  }
  sync_wake_.notify_one();
  sync_thread_.join();
}

void GroupCommitWriter::Submit(std::unique_ptr<WriteJob> job) {
  {
    common::MutexLock lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

Status GroupCommitWriter::Health() const {
  common::MutexLock lock(health_mutex_);
  return health_;
}

void GroupCommitWriter::Probe() {
  if (probe_in_flight_.exchange(true)) return;
  Submit(std::make_unique<ProbeJob>(probe_in_flight_));
}

// `final`: a failed sync, which no later success undoes.
void GroupCommitWriter::RecordOutcome(const Status& outcome, bool final) {
  common::MutexLock lock(health_mutex_);
  if (health_final_) return;
  health_ = outcome;
  health_final_ = final;
}

void GroupCommitWriter::Run() {
  Batch batch;
  auto last_start = std::chrono::steady_clock::time_point::min();
  for (;;) {
    {
      common::MutexLock lock(mutex_);
      wake_.wait(lock.native(), [this] {
        mutex_.AssertHeld();
        return stopping_ || !queue_.empty();
      });
      if (queue_.empty()) return;  // stopping, and drained
      if (min_commit_interval_.count() > 0 && last_start != last_start.min()) {
        wake_.wait_until(lock.native(), last_start + min_commit_interval_, [this] {
          mutex_.AssertHeld();
          return stopping_;
        });
      }
      last_start = std::chrono::steady_clock::now();
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (checkpoint_requested_.exchange(false, std::memory_order_relaxed)) {
      // PASSIVE: readers are never waited for; one holding an old snapshot makes this
      // checkpoint partial, and the next request tries again.
      (void)db_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void GroupCommitWriter::CommitBatch(Batch& batch) {
  Status status = sync_failed_.load()
                      ? Status(Error::Of("storage_error", "an earlier sync of the write-ahead log "
                                                          "failed; restart serve"))
                      // SQLite: take the write lock now, not at the first write, so
                      // a CLI process holding it is waited for here (busy timeout).
                      : db_->Exec(db_->dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  if (status.ok()) {
    for (auto& job : batch) job->Apply(*db_);
    if (before_commit_) status = before_commit_(*db_);
    if (status.ok()) status = db_->Exec("COMMIT");
    // A failed COMMIT leaves the transaction open; nothing of it may survive.
    if (!status.ok()) (void)db_->Exec("ROLLBACK");
  }
  if (status.ok()) {
    for (auto& job : batch) job->AfterCommit(*db_);
  }
  if (!sync_) {
    RecordOutcome(status, false);
    for (auto& job : batch) job->Finish(status);
    return;
  }
  {
    common::MutexLock lock(sync_mutex_);
    to_sync_.push_back(Committed{std::move(batch), std::move(status)});
  }
  sync_wake_.notify_one();
}

void GroupCommitWriter::RunSync() {
  std::deque<Committed> committed;
  for (;;) {
    {
      common::MutexLock lock(sync_mutex_);
      sync_wake_.wait(lock.native(), [this] {
        sync_mutex_.AssertHeld();
        return sync_stopping_ || !to_sync_.empty();
      });
      if (to_sync_.empty()) return;  // stopping, and drained
      committed.swap(to_sync_);
    }
    FinishSynced(committed);
    committed.clear();
  }
}

void GroupCommitWriter::FinishSynced(std::deque<Committed>& committed) {
  // One sync covers every batch committed since the last one.
  const bool any = std::any_of(committed.begin(), committed.end(),
                               [](const Committed& c) { return c.commit.ok(); });
  if (any && sync_failure_.ok()) {
    sync_failure_ = sync_();
    if (!sync_failure_.ok()) {
      sync_failed_.store(true);
      log::Error("storage", "{}; every write now fails until serve is restarted", sync_failure_.error().detail);
    }
  }
  // The last batch's outcome is the store's health: batches finish in commit order.
  RecordOutcome(committed.back().commit.ok() ? sync_failure_ : committed.back().commit,
                !sync_failure_.ok());
  for (auto& batch : committed) {
    const Status& outcome = batch.commit.ok() ? sync_failure_ : batch.commit;
    for (auto& job : batch.jobs) job->Finish(outcome);
  }
}

}  // namespace deliverer::store::sql
