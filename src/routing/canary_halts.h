#pragma once
// Which canary roll-outs are halted (docs/configuration.md "The canary's guard"): a halted
// roll-out routes every message to its route's own carriers, whatever its percent, until
// an operator resumes it.
//
// CanaryView is what the router asks; CanaryHalts is the process's answer, shared by the
// delivery engine (which halts a roll-out and, every sweep, re-reads the store, where
// halts are durable: store/canary_store.h) and the API (which lifts one after the store
// did). It lives beside the RouterHolder, not in the Router, so a config reload (a new
// Router) leaves a halt in place.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/mutex.h"

namespace deliverer::routing {

// Implementations MUST be callable from the thread calling Router::Route and MUST NOT
// block for long.
class CanaryView {
 public:
  virtual ~CanaryView() = default;
  virtual bool Halted(std::string_view flag) const = 0;
};

// No roll-out halted: for callers without a guard, and for tests.
class NoneHalted final : public CanaryView {
 public:
  bool Halted(std::string_view) const override { return false; }
};

// Thread-safe.
class CanaryHalts final : public CanaryView {
 public:
  bool Halted(std::string_view flag) const override;
  std::set<std::string, std::less<>> Flags() const;

  // Each bumps version().
  void Halt(const std::string& flag);
  void Resume(std::string_view flag);
  // Replaces the whole set (what the store holds) unless Halt or Resume ran since
  // `version` was read: a read of the store that began before such a change may not have
  // seen it, and must not undo it. True when replaced.
  bool ReplaceIf(uint64_t version, std::set<std::string, std::less<>> flags);
  uint64_t version() const;

 private:
  mutable common::Mutex mutex_;
  std::set<std::string, std::less<>> flags_ GUARDED_BY(mutex_);
  uint64_t version_ GUARDED_BY(mutex_) = 0;
};

}  // namespace deliverer::routing
