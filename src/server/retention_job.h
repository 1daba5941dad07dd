#pragma once
// The retention job of `serve` (docs/operations.md "Background jobs"): hourly, and once
// at start-up, it clears the bodies of messages that ended more than
// `body_retention_days` ago and deletes messages (with their events, submits and
// webhooks) and inbound messages older than `message_retention_days`, in bounded passes
// so that it never holds the store's writer for long. Counted in
// deliverer_retention_purged_total{kind}.
//
// Threading: one thread of its own; Stop() wakes it and joins it.
#include "common/clock.h"
#include "common/periodic_thread.h"
#include "config/config.h"
#include "metrics/metrics.h"
#include "store/maintenance_store.h"

namespace deliverer::server {

class RetentionJob {
 public:
  RetentionJob(store::MaintenanceStore& store, const config::SecurityConfig& security, metrics::Registry& metrics,
               Clock& clock);
  void Start();
  void Stop() { thread_.Stop(); }

 private:
  void PurgeOnce();

  store::MaintenanceStore& store_;
  const int body_days_;
  const int message_days_;
  metrics::Registry& metrics_;
  Clock& clock_;
  common::PeriodicThread thread_;  // last: stopped before the members its job uses go
};

}  // namespace deliverer::server
