#pragma once
// Watches credential age in `serve` (docs/operations.md "Background jobs"): every hour
// it lists the active API keys and the configured carriers' credentials, and reports
// those older than 90 days in the gauge deliverer_credentials_aging{kind}, in /readyz
// detail (Aging) and in a warning log line per credential, repeated once a day while
// it stays old.
//
// Threading: Start and the timer run on the io_context's one thread; Aging may be
// called from any thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <vector>

#include "api/process_view.h"
#include "auth/credential_age.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "config/config.h"
#include "metrics/metrics.h"
#include "store/key_store.h"

namespace deliverer::server {

class CredentialWatch final : public api::CredentialReport {
 public:
  CredentialWatch(boost::asio::io_context& io, store::KeyStore& store, const std::vector<config::CarrierConfig>& carriers,
                  metrics::Registry& metrics, Clock& clock);

  // Checks now, then every hour.
  void Start();
  // api::CredentialReport
  std::vector<auth::AgingCredential> Aging() const override;

 private:
  void Check();

  boost::asio::steady_timer timer_;
  store::KeyStore& store_;
  std::vector<auth::Credential> carriers_;
  metrics::Registry& metrics_;
  Clock& clock_;
  std::map<std::string, int64_t> warned_at_ms_;  // "kind/id" → last warning
  mutable common::Mutex mutex_;
  std::vector<auth::AgingCredential> aging_ GUARDED_BY(mutex_);
};

}  // namespace deliverer::server
