#pragma once
// The audit trail (docs/api.md "Audit trail"): appended by the API, the CLI and
// start-up; read by GET /v1/admin/audit. Other seams' writes append their own entries in
// the same commit as the change they record.
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread, synchronous thread-safe reads).
#include <vector>

#include "common/result.h"
#include "store/records.h"
#include "store/seam.h"

namespace deliverer::store {

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // The store assigns `entry.seq`, increasing.
  virtual void AppendAudit(AuditEntry entry, StatusCallback done) = 0;
  // Oldest first by seq, filtered and paged by `query`.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;
};

}  // namespace deliverer::store
