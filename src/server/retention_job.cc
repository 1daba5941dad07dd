#include "server/retention_job.h"

#include "common/log.h"

namespace deliverer::server {

namespace {

constexpr auto kEvery = std::chrono::hours(1);
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

}  // namespace

RetentionJob::RetentionJob(store::MaintenanceStore& store, const config::SecurityConfig& security,
                           metrics::Registry& metrics, Clock& clock)
    : store_(store),
      body_days_(security.body_retention_days),
      message_days_(security.message_retention_days),
      metrics_(metrics),
      clock_(clock) {}

void RetentionJob::Start() {
  thread_.Start("retention", [this] {
    PurgeOnce();
    return std::chrono::duration_cast<std::chrono::milliseconds>(kEvery);
  });
}

void RetentionJob::PurgeOnce() {
  const int64_t now = clock_.NowUnixMillis();
  const store::RetentionCutoffs cutoffs{.bodies_before_ms = now - body_days_ * kDayMs,
                                        .rows_before_ms = now - message_days_ * kDayMs};
  store::RetentionResult total;
  for (;;) {
    auto pass = store_.ApplyRetention(cutoffs);
    if (!pass.ok()) {
      log::Error("retention", "retention pass failed, retried in an hour: {}", pass.error().detail);
      break;
    }
    total.bodies_cleared += pass->bodies_cleared;
    total.messages_deleted += pass->messages_deleted;
    total.inbound_deleted += pass->inbound_deleted;
    if (!pass->more || thread_.stopping()) break;
  }
  const char* help = "Bodies cleared and rows deleted by the retention job";
  metrics_.Counter("deliverer_retention_purged_total", help, {{"kind", "bodies"}}).Inc(total.bodies_cleared);
  metrics_.Counter("deliverer_retention_purged_total", help, {{"kind", "messages"}}).Inc(total.messages_deleted);
  metrics_.Counter("deliverer_retention_purged_total", help, {{"kind", "inbound"}}).Inc(total.inbound_deleted);
  if (total.bodies_cleared + total.messages_deleted + total.inbound_deleted > 0) {
    log::Info("retention", "cleared {} bodies, deleted {} messages and {} inbound messages",
              total.bodies_cleared, total.messages_deleted, total.inbound_deleted);
  }
}

}  // namespace deliverer::server
