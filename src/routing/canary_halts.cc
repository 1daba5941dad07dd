#include "routing/canary_halts.h"

namespace deliverer::routing {

bool CanaryHalts::Halted(std::string_view flag) const {
  common::MutexLock lock(mutex_);
  return flags_.contains(flag);
}

std::set<std::string, std::less<>> CanaryHalts::Flags() const {
  common::MutexLock lock(mutex_);
  return flags_;
}

void CanaryHalts::Halt(const std::string& flag) {
  common::MutexLock lock(mutex_);
  flags_.insert(flag);
  ++version_;
}

void CanaryHalts::Resume(std::string_view flag) {
  common::MutexLock lock(mutex_);
  if (const auto it = flags_.find(flag); it != flags_.end()) flags_.erase(it);
  ++version_;
}

bool CanaryHalts::ReplaceIf(uint64_t version, std::set<std::string, std::less<>> flags) {
  common::MutexLock lock(mutex_);
  if (version != version_) return false;
  flags_ = std::move(flags);
  return true;
}

uint64_t CanaryHalts::version() const {
  common::MutexLock lock(mutex_);
  return version_;
}

}  // namespace deliverer::routing
