#pragma once
// Makes the write-ahead log durable with one fdatasync, outside SQLite.
//
// The group-commit writer runs its connection with synchronous=NORMAL, so COMMIT only
// writes the log; the writer then hands the batch to a thread that calls Sync() and
// finishes the batch's jobs once it returns. Nothing is acknowledged before its log
// frames are on disk (docs/reliability.md R1), but the next batch is applied while the disk
// syncs the previous one, instead of the writer idling through every fsync.
//
// Why this is as durable as synchronous=FULL: a commit's frames are written before
// COMMIT returns, and fdatasync on any descriptor of the file flushes all of them.
// Checkpoints (checkpointer.h) sync the log before copying it into the database and the
// database after, whatever the mode, so a frame never reaches the database file unsynced.
// A log that SQLite starts over after a complete checkpoint only overwrites frames
// already in the synced database file, and SQLite syncs its new header itself before
// the first frame after it (synchronous=NORMAL does that much), so no stale frame of the
// old log can pass for a new one after a crash.
#include <memory>
#include <string>

#include "common/result.h"

namespace deliverer::store::sqlite {

class WalSync {
 public:
  // Opens `<database>-wal` (creating it, empty, if SQLite has not yet) and syncs its
  // directory once, so the file itself survives a power loss.
  static Result<std::unique_ptr<WalSync>> Open(const std::string& database_path);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // fdatasync of the log. Thread-safe.
  Status Sync();

 private:
  explicit WalSync(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace deliverer::store::sqlite
