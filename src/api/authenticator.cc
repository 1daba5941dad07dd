#include "api/authenticator.h"

#include "auth/api_key.h"
#include "common/ascii.h"

namespace deliverer::api {
namespace {

Error Unauthenticated(std::string detail) {
  return Error::Of("unauthenticated", std::move(detail));
}

}  // namespace

Result<Caller> Authenticator::Authenticate(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) return Unauthenticated("missing Authorization: Bearer <api-key>");
  if (!StartsWithIgnoringCase(authorization, kBearer)) {
    return Unauthenticated("the Authorization header must be 'Bearer <api-key>'");
  }
  const std::string_view key = authorization.substr(kBearer.size());
  // A malformed or mistyped key is refused here, without touching the store.
  auto key_id = auth::ParseKey(key);
  if (!key_id) return Unauthenticated("malformed API key");

  auto record = Lookup(*key_id);
  if (!record.ok()) return record.take_error();
  // An SMPP credential binds over SMPP only (its hash is a password's, which no key matches
  // anyway).
  if (!*record || !(*record)->smpp_system_id.empty() ||
      !auth::ConstantTimeEqual(auth::HashKey(key), (*record)->hash)) {
    return Unauthenticated("unknown API key");
  }
  const int64_t now = clock_.NowUnixMillis();
  if ((*record)->revoked_at_ms) return Unauthenticated("API key revoked");
  if ((*record)->expires_at_ms && *(*record)->expires_at_ms <= now) {
    return Unauthenticated("API key expired");
  }
  return Caller{(*record)->key_id, (*record)->account, (*record)->scopes, {}, {}};
}

size_t Authenticator::CachedKeys() const {
  common::MutexLock lock(mutex_);
  return cache_.size();
}

Result<std::optional<store::ApiKeyRecord>> Authenticator::Lookup(const std::string& key_id) {
  const int64_t now = clock_.NowUnixMillis();
  {
    common::MutexLock lock(mutex_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && now - it->second.fetched_at_ms < kCacheTtl.count()) {
      recency_.splice(recency_.begin(), recency_, it->second.recency);
      return std::optional<store::ApiKeyRecord>(it->second.key);
    }
  }
  auto found = lookup_(key_id);
  if (!found.ok()) return Error::Of("storage_unavailable", "cannot check the API key now");
  common::MutexLock lock(mutex_);
  if (*found) {
    Remember(key_id, **found, now);
  } else if (auto it = cache_.find(key_id); it != cache_.end()) {
    recency_.erase(it->second.recency);  // deleted since it was cached
    cache_.erase(it);
  }
  return std::move(*found);
}

void Authenticator::Remember(const std::string& key_id, const store::ApiKeyRecord& key, int64_t now_ms) {
  if (auto it = cache_.find(key_id); it != cache_.end()) {
    it->second.key = key;
    it->second.fetched_at_ms = now_ms;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return;
  }
  if (cache_.size() >= kCacheCapacity) {
    cache_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key_id);
  cache_.emplace(key_id, Entry{key, now_ms, recency_.begin()});
}

}  // namespace deliverer::api
