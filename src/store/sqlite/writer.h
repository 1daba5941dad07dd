#pragma once
// Group commit: one thread owns the write connection; it takes every queued job (up to
// max_batch), applies them all in one transaction, commits once (one fsync with
// synchronous=FULL), and only then finishes each job with the commit's outcome.
// Thread-safe: Submit may be called from any thread.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/db.h"

namespace deliverer::store::sqlite {

class WriteJob {
 public:
  virtual ~WriteJob() = default;
  // Runs inside the open transaction on the writer thread. A job that can fail halfway
  // wraps its statements in a SAVEPOINT so its failure leaves the others intact.
  virtual void Apply(Connection& db) = 0;
  // Runs on the writer thread after a successful COMMIT, outside any transaction, before
  // Finish: for work SQLite refuses inside one (a WAL checkpoint).
  virtual void AfterCommit(Connection& /*db*/) {}
  // Runs on the writer thread after COMMIT; `commit` is an error if it did not persist.
  virtual void Finish(const Status& commit) = 0;
};

class GroupCommitWriter {
 public:
  GroupCommitWriter(std::unique_ptr<Connection> db, size_t max_batch);
  // Drains every submitted job, then stops the thread.
  ~GroupCommitWriter();

  void Submit(std::unique_ptr<WriteJob> job);

 private:
  void Run();
  void CommitBatch(std::deque<std::unique_ptr<WriteJob>>& batch);

  std::unique_ptr<Connection> db_;
  const size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<WriteJob>> queue_;  // guarded by mutex_
  bool stopping_ = false;                        // guarded by mutex_
  std::thread thread_;
};

}  // namespace deliverer::store::sqlite
