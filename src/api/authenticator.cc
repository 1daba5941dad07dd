#include "api/authenticator.h"

#include "auth/api_key.h"

namespace deliverer::api {
namespace {

Error Unauthenticated(std::string detail) {
  return Error::Of("unauthenticated", std::move(detail));
}

}  // namespace

Result<Caller> Authenticator::Authenticate(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) return Unauthenticated("missing Authorization: Bearer <api-key>");
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    return Unauthenticated("the Authorization header must be 'Bearer <api-key>'");
  }
  const std::string_view key = authorization.substr(kBearer.size());
  // A malformed or mistyped key is refused here, without touching the store.
  auto key_id = auth::ParseKey(key);
  if (!key_id) return Unauthenticated("malformed API key");

  auto entry = Lookup(*key_id);
  if (!entry.ok()) return entry.take_error();
  const auto& record = entry->key;
  if (!record || !auth::ConstantTimeEqual(auth::HashKey(key), record->hash)) {
    return Unauthenticated("unknown API key");
  }
  const int64_t now = clock_.NowUnixMillis();
  if (record->revoked_at_ms) return Unauthenticated("API key revoked");
  if (record->expires_at_ms && *record->expires_at_ms <= now) {
    return Unauthenticated("API key expired");
  }
  return Caller{record->key_id, record->account, record->scopes, {}, {}};
}

Result<Authenticator::Entry> Authenticator::Lookup(const std::string& key_id) {
  const int64_t now = clock_.NowUnixMillis();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && now - it->second.fetched_at_ms < kCacheTtl.count()) {
      return it->second;
    }
  }
  auto found = store_.FindApiKey(key_id);
  if (!found.ok()) return Error::Of("storage_unavailable", "cannot check the API key now");
  Entry entry{std::move(*found), now};
  std::lock_guard lock(mutex_);
  cache_[key_id] = entry;
  return entry;
}

}  // namespace deliverer::api
