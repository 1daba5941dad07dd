#pragma once
// Moves the write-ahead log into the database file on a thread of its own, so the
// group-commit writer never pays for it. Left to SQLite (wal_autocheckpoint), every
// commit that pushed the log past 1,000 pages copied them into the database and
// fsynced it inside COMMIT, while every producer in that batch waited for its 202.
//
// PASSIVE checkpoints run concurrently with the writer and with readers. They copy the
// pages, but under a steady stream of commits they never finish the log (see
// GroupCommitWriter::RequestCheckpoint), so past `rewind_pages` the writer is asked for
// one of its own, which lets the next commit start the log over. Should readers still
// keep the log from being reset, a log past `restart_pages` gets a RESTART, which blocks
// the writer (busy timeout) until readers move on, so the file stays bounded.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <thread>

#include "common/mutex.h"
#include "store/sqlite/db.h"
#include "store/sql/writer.h"

namespace deliverer::store::sqlite {

struct CheckpointerOptions {
  std::chrono::milliseconds interval{100};
  int64_t rewind_pages = 4'096;    // 16 MiB of 4 KiB pages
  int64_t restart_pages = 65'536;  // 256 MiB
};

class Checkpointer {
 public:
  // `writer` is asked for a checkpoint of its own (RequestCheckpoint) when the log is
  // past rewind_pages; it must outlive this.
  Checkpointer(std::unique_ptr<Connection> db, sql::GroupCommitWriter& writer, CheckpointerOptions options);
  // Runs a last passive checkpoint, then stops the thread.
  ~Checkpointer();

 private:
  void Run();
  void CheckpointOnce();

  std::unique_ptr<Connection> db_;
  sql::GroupCommitWriter& writer_;
  const CheckpointerOptions options_;
  common::Mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace deliverer::store::sqlite
