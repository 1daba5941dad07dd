#pragma once
// Bearer API-key authentication with a short-lived cache, so a request costs no store
// read while revocations made by another process (the CLI) still take effect within
// kCacheTtl (api.md: a revoked key is refused within 5 s). Thread-safe.
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_types.h"
#include "common/clock.h"
#include "store/store.h"

namespace deliverer::api {

class Authenticator {
 public:
  static constexpr std::chrono::milliseconds kCacheTtl{2000};

  Authenticator(store::Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // The caller behind an `Authorization` header value, or an error: unauthenticated
  // (missing, malformed, unknown, expired, revoked) or storage_unavailable.
  Result<Caller> Authenticate(std::string_view authorization);

 private:
  struct Entry {
    std::optional<store::ApiKeyRecord> key;  // nullopt: no such key id
    int64_t fetched_at_ms = 0;
  };
  Result<Entry> Lookup(const std::string& key_id);

  store::Store& store_;
  Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;  // guarded by mutex_
};

}  // namespace deliverer::api
