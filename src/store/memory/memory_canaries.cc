// MemoryStore: halted canary roll-outs (store/canary_store.h).
#include "store/memory/memory_state.h"
#include "store/memory/memory_store.h"

namespace deliverer::store::memory {

void MemoryStore::HaltCanary(CanaryHalt halt, AuditEntry audit, StatusCallback done) {
  Submit([halt = std::move(halt), audit = std::move(audit), done = std::move(done)](MemoryState& state) mutable {
    state.canary_halts[halt.flag] = std::move(halt);
    AddAudit(state, std::move(audit));
    return std::function<void()>([done = std::move(done)] { done(Status::Ok()); });
  });
}

void MemoryStore::ResumeCanary(std::string flag, AuditEntry audit, StatusCallback done) {
  Submit([flag = std::move(flag), audit = std::move(audit), done = std::move(done)](MemoryState& state) mutable {
    Status result = Status::Ok();
    if (state.canary_halts.erase(flag) == 0) {
      result = Error::Of("not_found", "the roll-out '" + flag + "' is not halted");
    } else {
      AddAudit(state, std::move(audit));
    }
    return std::function<void()>([done = std::move(done), result] { done(result); });
  });
}

Result<std::vector<CanaryHalt>> MemoryStore::ListCanaryHalts() {
  common::MutexLock lock(state_mutex_);
  std::vector<CanaryHalt> out;
  for (const auto& [flag, halt] : state_->canary_halts) out.push_back(halt);
  return out;
}

}  // namespace deliverer::store::memory
