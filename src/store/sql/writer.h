#pragma once
// Group commit: one thread owns the write connection; it takes every queued job (up to
// max_batch), applies them all in one transaction and commits once. A job is finished
// with the outcome only once its commit is durable.
//
// Durable how: with a LogSync (SQLite's store/sqlite/wal_sync.h) the connection runs
// synchronous=NORMAL, and a second thread syncs the log for every batch committed
// meanwhile and then finishes their jobs, in commit order, while the writer applies the
// next batch. Without one, COMMIT itself is durable (SQLite's synchronous=FULL, and
// PostgreSQL's COMMIT) and the writer finishes the jobs.
//
// A failed sync is final: that batch and every later one are finished with the error,
// because after a failed fsync the kernel may have dropped the pages it could not
// write, and a later successful fsync proves nothing about them. Only a restart, which
// recovers the log from the file, clears it. From then on the writer applies nothing
// more: a write answered as failed must not turn up in the database later.
//
// Health (for /readyz) is the outcome of the latest batch to finish: failing while writes
// fail (a full disk, a read-only file) until one succeeds, and for good after a failed
// sync. Probe lets a store that stopped taking traffic see itself recover.
//
// Thread-safe: Submit may be called from any thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "common/mutex.h"
#include "common/result.h"
#include "store/sql/db.h"

namespace deliverer::store::sql {

class WriteJob {
 public:
  virtual ~WriteJob() = default;
  // Runs inside the open transaction on the writer thread. A job that can fail halfway
  // wraps its statements in a SAVEPOINT so its failure leaves the others intact.
  virtual void Apply(Connection& db) = 0;
  // Runs on the writer thread after a successful COMMIT, outside any transaction, before
  // Finish: for work a database refuses inside one (SQLite's WAL checkpoint).
  virtual void AfterCommit(Connection& /*db*/) {}
  // Runs once the commit is durable, or failed (`commit` is then the error), on the
  // writer's or the log sync's thread; jobs finish in the order they were committed.
  virtual void Finish(const Status& commit) = 0;
};

// Makes every transaction committed before the call durable.
using LogSync = std::function<Status()>;
// Runs after every job of a batch applied, before COMMIT, in the transaction: writes the
// jobs left for the batch as a whole (store/sql/send_audit.h). A failure fails the batch.
using BeforeCommit = std::function<Status(Connection&)>;

class GroupCommitWriter {
 public:
  // `min_commit_interval`: a batch starts no sooner than this after the one before, so
  // under load the jobs queued meanwhile share a commit. Each commit rewrites in full
  // every page it touches, so fewer, larger ones cost less CPU and log, at the price of
  // up to this much more latency; the first job after a quiet spell waits for nothing.
  GroupCommitWriter(std::unique_ptr<Connection> db, size_t max_batch, LogSync sync = {},
                    std::chrono::milliseconds min_commit_interval = {}, BeforeCommit before_commit = {});
  // Drains every submitted job, then stops the threads.
  ~GroupCommitWriter();

  void Submit(std::unique_ptr<WriteJob> job);

  // Asks for a checkpoint on the write connection before the next batch (SQLite's
  // store/sqlite/checkpointer.h; nothing else asks). Thread-safe.
  // Under a steady stream of commits, checkpoints on another connection never catch up
  // with the log: each one finds frames written while it ran, so the log is never wholly
  // in the database, SQLite never starts it over, and it grows until a blocking RESTART.
  // Between two of its own batches the writer leaves no frame behind, so its checkpoint
  // is complete and the next commit writes the log from its start again.
  void RequestCheckpoint() { checkpoint_requested_.store(true, std::memory_order_relaxed); }

  // Ok while the latest batch to finish was made durable; else why not. Thread-safe.
  Status Health() const;

  // Submits a write that touches the database header alone, unless one is in flight, so
  // that Health turns ok again once writes succeed, with no producer writing. Thread-safe.
  void Probe();

 private:
  using Batch = std::deque<std::unique_ptr<WriteJob>>;
  struct Committed {
    Batch jobs;
    Status commit;
  };

  void Run();
  void CommitBatch(Batch& batch);
  void RunSync();
  void FinishSynced(std::deque<Committed>& committed);
  void RecordOutcome(const Status& outcome, bool final) EXCLUDES(health_mutex_);

  std::unique_ptr<Connection> db_;
  const size_t max_batch_;
  const LogSync sync_;
  const std::chrono::milliseconds min_commit_interval_;
  const BeforeCommit before_commit_;
  std::atomic<bool> checkpoint_requested_ = false;

  common::Mutex mutex_;
  std::condition_variable wake_;
  Batch queue_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;

  common::Mutex sync_mutex_;
  std::condition_variable sync_wake_;
  std::deque<Committed> to_sync_ GUARDED_BY(sync_mutex_);
  bool sync_stopping_ GUARDED_BY(sync_mutex_) = false;
  Status sync_failure_;             // the sync thread's alone
  std::atomic<bool> sync_failed_ = false;  // set by the sync thread; the writer stops applying

  mutable common::Mutex health_mutex_;
  Status health_ GUARDED_BY(health_mutex_);
  bool health_final_ GUARDED_BY(health_mutex_) = false;
  std::atomic<bool> probe_in_flight_ = false;

  std::thread thread_;
  std::thread sync_thread_;
};

}  // namespace deliverer::store::sql
