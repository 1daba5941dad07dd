#pragma once
// The background jobs' side of the store: retention (server::RetentionJob) and values at
// rest (server::DataKeyJob, the CLI's key commands). Synchronous: each call runs on its
// job's own thread and returns once durable (store/seam.h).
#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"
#include "store/records.h"

namespace deliverer::store {

class MaintenanceStore {
 public:
  virtual ~MaintenanceStore() = default;

  // One bounded pass of the retention job (RetentionCutoffs).
  virtual Result<RetentionResult> ApplyRetention(const RetentionCutoffs& cutoffs) = 0;

  // Values at rest (docs/reliability.md S9). Rows (messages and inbound per body, accounts'
  // webhook secrets) per data key that sealed them; key 0 counts bodies stored in clear
  // before encryption existed.
  virtual Result<std::map<uint32_t, int64_t>> CountRowsByDataKey() = 0;
  // The data key new bodies are sealed with.
  virtual uint32_t PrimaryDataKey() const = 0;
  // Re-reads the key ring when its file changed since the last look (a rotation by the
  // CLI); keys the file no longer lists stay usable by this process. A file that does
  // not load changes nothing and is the error.
  virtual Status ReloadDataKeys() = 0;
  // Moves up to `limit` sealed values (bodies, webhook secrets) of an older key, or bodies
  // stored in clear, to the primary key; returns how many moved, 0 when none is left.
  // Reads and seals outside the writer; the write is one short job, so producers never
  // wait long behind it.
  // One caller at a time (it keeps a cursor per key).
  virtual Result<int> ReencryptBatch(int limit) = 0;

  // A consistent copy of the whole store, taken while it serves (docs/operations.md
  // "Backup and restore"): everything committed before the call, nothing half-written,
  // with the key ring that opens its sealed values, into `directory` (created with mode
  // 0700; refused when it holds a database already).
  virtual Status BackupTo(const std::string& directory) = 0;
};

}  // namespace deliverer::store
