#pragma once
// Bearer API-key authentication with a short-lived cache, so a request costs no store
// read while revocations made by another process (the CLI) still take effect within
// kCacheTtl (docs/api.md: a revoked key is refused within 5 s). Thread-safe.
//
// Bounded (docs/security.md "Resource limits"): the cache holds at most kCacheCapacity
// keys, least recently used out first, and only keys that exist: a well-formed key with a
// made-up id (its checksum is public on purpose) is looked up and forgotten, so made-up
// keys cannot grow memory. Clients that keep failing are slowed down per source address
// by the caller (AuthFailureLimiter), not here.
#include <chrono>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_types.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "store/records.h"

namespace deliverer::api {

class Authenticator {
 public:
  static constexpr std::chrono::milliseconds kCacheTtl{2000};
  static constexpr size_t kCacheCapacity = 10'000;

  // The key with this public id, nullopt when there is none (store::KeyStore::FindApiKey).
  using KeyLookup = std::function<Result<std::optional<store::ApiKeyRecord>>(const std::string& key_id)>;

  Authenticator(KeyLookup lookup, Clock& clock) : lookup_(std::move(lookup)), clock_(clock) {}

  // The caller behind an `Authorization` header value, or an error: unauthenticated
  // (missing, malformed, unknown, expired, revoked) or storage_unavailable. The scheme
  // is matched without regard to case (RFC 9110 §11.1).
  Result<Caller> Authenticate(std::string_view authorization);

  size_t CachedKeys() const;

 private:
  struct Entry {
    store::ApiKeyRecord key;
    int64_t fetched_at_ms = 0;
    std::list<std::string>::iterator recency;  // into recency_
  };
  // nullopt: no such key id.
  Result<std::optional<store::ApiKeyRecord>> Lookup(const std::string& key_id);
  void Remember(const std::string& key_id, const store::ApiKeyRecord& key, int64_t now_ms)
      REQUIRES(mutex_);

  KeyLookup lookup_;
  Clock& clock_;
  mutable common::Mutex mutex_;
  std::unordered_map<std::string, Entry> cache_ GUARDED_BY(mutex_);
  std::list<std::string> recency_ GUARDED_BY(mutex_);  // key ids, most recent first
};

}  // namespace deliverer::api
