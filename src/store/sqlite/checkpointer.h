#pragma once
// Moves the write-ahead log into the database file on a thread of its own, so the
// group-commit writer never pays for it. Left to SQLite (wal_autocheckpoint), every
// commit that pushed the log past 1,000 pages copied them into the database and
// fsynced it inside COMMIT, while every producer in that batch waited for its 202.
//
// PASSIVE checkpoints run concurrently with the writer and with readers. Should readers
// keep the log from ever being reset, a log past `restart_pages` gets a RESTART, which
// waits (busy timeout) for readers to move on, so the file stays bounded.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/db.h"

namespace deliverer::store::sqlite {

struct CheckpointerOptions {
  std::chrono::milliseconds interval{100};
  int64_t restart_pages = 65'536;  // 256 MiB of 4 KiB pages
};

class Checkpointer {
 public:
  Checkpointer(std::unique_ptr<Connection> db, CheckpointerOptions options);
  // Runs a last passive checkpoint, then stops the thread.
  ~Checkpointer();

 private:
  void Run();
  void CheckpointOnce();

  std::unique_ptr<Connection> db_;
  const CheckpointerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace deliverer::store::sqlite
