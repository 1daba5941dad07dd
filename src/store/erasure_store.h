#pragma once
// Erasure on request (docs/reliability.md S10): an operator action through the API or the
// CLI. Apart from ComplianceStore because it reaches every kind of row a backend keeps.
// Contract: store/seam.h (the callback runs after a durable commit on a store thread).
#include <functional>
#include <string>

#include "common/result.h"
#include "store/records.h"

namespace deliverer::store {

class ErasureStore {
 public:
  virtual ~ErasureStore() = default;

  // In one commit with its `audit` entry: every message and inbound message to or from
  // `number` (E.164, also matched without its '+') loses its body and has the number
  // replaced by "erased"; queued messages to it end `rejected` (recipient_erased); its
  // opt-outs keep holding through their keyed hash while the number in clear is dropped.
  // Then the write-ahead log is emptied.
  virtual void EraseNumber(std::string number, AuditEntry audit,
                           std::function<void(Result<EraseResult>)> done) = 0;
};

}  // namespace deliverer::store
