#include "store/sqlite/checkpointer.h"

#include "common/log.h"
#include "common/thread_name.h"

namespace deliverer::store::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> db, sql::GroupCommitWriter& writer,
                           CheckpointerOptions options)
    : db_(std::move(db)), writer_(writer), options_(options), thread_([this] {
        NameThisThread("checkpointer");
        Run();
      }) {}

Checkpointer::~Checkpointer() {
  {
    common::MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::Run() {
  common::MutexLock lock(mutex_);
  while (!wake_.wait_for(lock.native(), options_.interval, [this] {
    mutex_.AssertHeld();
    return stopping_;
  })) {
    lock.Unlock();
    CheckpointOnce();
    lock.Lock();
  }
}

void Checkpointer::CheckpointOnce() {
  // The row is (busy, pages in the log, pages moved into the database).
  auto passive = db_->Prepare("PRAGMA wal_checkpoint(PASSIVE)");
  if (!passive.ok()) return;
  auto row = passive->Step();
  if (!row.ok() || !*row) return;
  const int64_t log_pages = passive->Int(1);
  passive->Reset();
  if (log_pages >= options_.rewind_pages) writer_.RequestCheckpoint();
  if (log_pages < options_.restart_pages) return;
  if (auto s = db_->Exec("PRAGMA wal_checkpoint(RESTART)"); !s.ok()) {
    log::Warn("storage", "the write-ahead log holds {} pages and could not be restarted: {}", log_pages,
              s.error().detail);
  }
}

}  // namespace deliverer::store::sqlite
