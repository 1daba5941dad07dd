#include "queue/claims.h"

namespace deliverer::queue {

bool Claims::ClaimForDelivery(const std::string& message_id) {
  common::MutexLock lock(mutex_);
  if (cancels_.contains(message_id)) return false;
  deliveries_.insert(message_id);
  return true;
}

void Claims::ReleaseDelivery(const std::string& message_id) {
  common::MutexLock lock(mutex_);
  deliveries_.erase(message_id);
}

bool Claims::ClaimForCancel(const std::string& message_id) {
  common::MutexLock lock(mutex_);
  if (deliveries_.contains(message_id)) return false;
  ++cancels_[message_id];
  return true;
}

void Claims::ReleaseCancel(const std::string& message_id) {
  common::MutexLock lock(mutex_);
  auto it = cancels_.find(message_id);
  if (it != cancels_.end() && --it->second == 0) cancels_.erase(it);
}

}  // namespace deliverer::queue
