#include "routing/router_holder.h"

#include <cassert>

namespace deliverer::routing {

RouterHolder::RouterHolder(std::shared_ptr<const Router> initial) : router_(std::move(initial)) {
  assert(router_ != nullptr);
}

std::shared_ptr<const Router> RouterHolder::Get() const {
  common::MutexLock lock(mutex_);
  return router_;
}

void RouterHolder::Set(std::shared_ptr<const Router> router) {
  assert(router != nullptr);
  std::shared_ptr<const Router> old;  // freed after the lock is released
  common::MutexLock lock(mutex_);
  old = std::exchange(router_, std::move(router));
  ++generation_;
}

Status RouterHolder::Reload(const config::Config& config) {
  Result<Router> router = Router::Create(config);  // built outside the lock
  if (!router) return router.take_error();
  Set(std::make_shared<const Router>(std::move(router).value()));
  return Status::Ok();
}

uint64_t RouterHolder::generation() const {
  common::MutexLock lock(mutex_);
  return generation_;
}

}  // namespace deliverer::routing
