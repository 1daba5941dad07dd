#pragma once
// Halted canary roll-outs (docs/configuration.md "The canary's guard"): a halt outlives a
// config reload and a restart, so it is kept here until an operator resumes the roll-out.
// Written by the delivery engine (a halt) and by the API and the CLI (a resume); read by
// the engine every sweep, so a resume made in another process (the CLI, `--role api`)
// reaches the process that routes.
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread, synchronous thread-safe reads).
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"
#include "store/seam.h"

namespace deliverer::store {

struct CanaryHalt {
  std::string flag;
  std::string route;   // the match of the route whose canary it is
  std::string reason;  // "submit_errors", "delivery_ratio", "receipt_latency"
  std::string detail;  // both arms' figures, for people; never a number or a body
  int64_t halted_at_ms = 0;

  bool operator==(const CanaryHalt&) const = default;
};

class CanaryStore {
 public:
  virtual ~CanaryStore() = default;

  // Records that `halt.flag` is halted (replacing an earlier halt of the same flag), with
  // `audit`, in one commit.
  virtual void HaltCanary(CanaryHalt halt, AuditEntry audit, StatusCallback done) = 0;
  // Lifts the halt of `flag`, with `audit`, in one commit; code "not_found" (and no audit
  // entry) when it was not halted.
  virtual void ResumeCanary(std::string flag, AuditEntry audit, StatusCallback done) = 0;
  // Every halt, by flag.
  virtual Result<std::vector<CanaryHalt>> ListCanaryHalts() = 0;
};

}  // namespace deliverer::store
