#pragma once
// Who holds a message right now within this process: a delivery the engine took off the
// queue (from its store read until its outcome is recorded), or a producer's cancel (from
// its check until its commit). Each excludes the other, so a cancel never reports
// `canceled` for a message whose submit is on the wire, and a submit never starts while
// a cancel is deciding (docs/api.md "Scheduled sends").
//
// Why not the store: the engine records nothing before it submits (a write per message
// on the hot path), so the store alone cannot tell queued from being submitted.
//
// Thread-safe. Bounded by what is in flight: the engine's in-flight cap plus the cancels
// being committed.
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/mutex.h"

namespace deliverer::queue {

class Claims {
 public:
  // False while a cancel holds the message: the delivery should come back shortly.
  bool ClaimForDelivery(const std::string& message_id);
  // Idempotent: releasing a message the engine does not hold changes nothing.
  void ReleaseDelivery(const std::string& message_id);

  // False while a delivery holds the message (it is being submitted, or its outcome
  // recorded): the cancel answers that the message is at a carrier.
  bool ClaimForCancel(const std::string& message_id);
  void ReleaseCancel(const std::string& message_id);

 private:
  common::Mutex mutex_;
  std::unordered_set<std::string> deliveries_ GUARDED_BY(mutex_);
  // Concurrent cancels of one message each hold it (the store orders them).
  std::unordered_map<std::string, int> cancels_ GUARDED_BY(mutex_);
};

}  // namespace deliverer::queue
