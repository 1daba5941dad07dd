#include "store/sqlite/writer.h"

namespace deliverer::store::sqlite {

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> db, size_t max_batch)
    : db_(std::move(db)), max_batch_(max_batch), thread_([this] { Run(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void GroupCommitWriter::Submit(std::unique_ptr<WriteJob> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void GroupCommitWriter::Run() {
  std::deque<std::unique_ptr<WriteJob>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void GroupCommitWriter::CommitBatch(std::deque<std::unique_ptr<WriteJob>>& batch) {
  Status status = db_->Exec("BEGIN IMMEDIATE");
  if (status.ok()) {
    for (auto& job : batch) job->Apply(*db_);
    status = db_->Exec("COMMIT");
    // A failed COMMIT leaves the transaction open; nothing of it may survive.
    if (!status.ok()) (void)db_->Exec("ROLLBACK");
  }
  if (status.ok()) {
    for (auto& job : batch) job->AfterCommit(*db_);
  }
  for (auto& job : batch) job->Finish(status);
}

}  // namespace deliverer::store::sqlite
