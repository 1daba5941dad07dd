#pragma once
// The router in use, swapped whole on a config reload (SIGHUP or the admin call).
// Thread-safe: Get, Set and Reload may be called from any thread. A caller keeps the
// shared_ptr it got for as long as it routes with it (typically one message), so a swap
// never changes a plan halfway and the old Router is freed when its last user is done.
#include <cstdint>
#include <memory>

#include "common/mutex.h"
#include "common/result.h"
#include "config/config.h"
#include "routing/router.h"

namespace deliverer::routing {

class RouterHolder {
 public:
  // `initial` must not be null.
  explicit RouterHolder(std::shared_ptr<const Router> initial);

  RouterHolder(const RouterHolder&) = delete;
  RouterHolder& operator=(const RouterHolder&) = delete;

  std::shared_ptr<const Router> Get() const;
  // `router` must not be null. Bumps generation().
  void Set(std::shared_ptr<const Router> router);
  // Builds a Router from `config` and swaps it in; on error the current one stays and the
  // error (code "invalid_config") is returned.
  Status Reload(const config::Config& config);
  // 0 for the initial router, +1 per swap: lets the admin API and logs say which is live.
  uint64_t generation() const;

 private:
  mutable common::Mutex mutex_;
  std::shared_ptr<const Router> router_ GUARDED_BY(mutex_);  // never null
  uint64_t generation_ GUARDED_BY(mutex_) = 0;
};

}  // namespace deliverer::routing
