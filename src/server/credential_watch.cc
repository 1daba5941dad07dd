#include "server/credential_watch.h"

#include "common/log.h"

namespace deliverer::server {

namespace {

constexpr auto kCheckEvery = std::chrono::hours(1);
constexpr int64_t kWarnEveryMs = 24LL * 3600 * 1000;

}  // namespace

CredentialWatch::CredentialWatch(boost::asio::io_context& io, store::KeyStore& store,
                                 const std::vector<config::CarrierConfig>& carriers, metrics::Registry& metrics,
                                 Clock& clock)
    : timer_(io), store_(store), metrics_(metrics), clock_(clock) {
  for (const config::CarrierConfig& carrier : carriers) {
    carriers_.push_back({"carrier", carrier.id, carrier.credentials_created_unix * 1000});
  }
}

void CredentialWatch::Start() {
  Check();
  timer_.expires_after(kCheckEvery);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Start();
  });
}

void CredentialWatch::Check() {
  const int64_t now = clock_.NowUnixMillis();
  std::vector<auth::Credential> credentials = carriers_;
  // The store is read on the I/O thread: a handful of rows, once an hour.
  if (auto keys = store_.ListApiKeys(); keys.ok()) {
    for (const store::ApiKeyRecord& key : *keys) {
      const bool active = !key.revoked_at_ms && (!key.expires_at_ms || *key.expires_at_ms > now);
      if (active) credentials.push_back({key.smpp_system_id.empty() ? "api_key" : "smpp", key.key_id, key.created_at_ms});
    }
  } else {
    log::Warn("credentials", "cannot list API keys to check their age: {}", keys.error().detail);
  }
  std::vector<auth::AgingCredential> aging = auth::AgingCredentials(credentials, now);

  std::map<std::string, double> per_kind = {{"api_key", 0}, {"carrier", 0}, {"smpp", 0}};
  for (const auth::AgingCredential& c : aging) {
    per_kind[c.kind] += 1;
    int64_t& warned = warned_at_ms_[c.kind + "/" + c.id];
    if (warned != 0 && now - warned < kWarnEveryMs) continue;
    warned = now;
    log::Warn("credentials", "{} {} is {} days old (more than {}): rotate it, see docs/runbooks/key-rotation.md",
              c.kind == "api_key" ? "API key" : c.kind == "smpp" ? "SMPP credential" : "carrier credential of", c.id, c.age_days,
              auth::kCredentialMaxAgeDays);
  }
  for (const auto& [kind, count] : per_kind) {
    metrics_.Gauge("deliverer_credentials_aging", "Credentials older than 90 days", {{"kind", kind}}).Set(count);
  }
  common::MutexLock lock(mutex_);
  aging_ = std::move(aging);
}

std::vector<auth::AgingCredential> CredentialWatch::Aging() const {
  common::MutexLock lock(mutex_);
  return aging_;
}

}  // namespace deliverer::server
