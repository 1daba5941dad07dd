#pragma once
// Suppression lists (opt-outs): what the API manages and the delivery engine checks before
// every submit. Inbound keyword messages change them too, through InboundStore.
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread, synchronous thread-safe reads).
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"
#include "store/seam.h"

namespace deliverer::store {

class ComplianceStore {
 public:
  virtual ~ComplianceStore() = default;

  // Puts `suppression` on its list (replacing an entry for the same number), with `audit`.
  virtual void PutSuppression(Suppression suppression, AuditEntry audit, StatusCallback done) = 0;
  // Completes with code "not_found" when there was nothing to delete.
  virtual void DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                                 StatusCallback done) = 0;
  // True when `number` is on `account`'s list or on the global list.
  virtual Result<bool> IsSuppressed(const std::string& account, const std::string& number) = 0;
  // One list by number, or every list by (account, number) (SuppressionQuery).
  virtual Result<std::vector<Suppression>> ListSuppressions(const SuppressionQuery& query) = 0;
};

}  // namespace deliverer::store
