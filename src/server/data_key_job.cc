#include "server/data_key_job.h"

#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"

namespace deliverer::server {
namespace {

constexpr const char* kRowsHelp =
    "Rows whose body or webhook secret is sealed with each data key (0: bodies in clear, from "
    "before encryption)";

}  // namespace

DataKeyJob::DataKeyJob(store::MaintenanceStore& store, metrics::Registry& metrics, Options options)
    : store_(store),
      metrics_(metrics),
      options_(options),
      moved_total_(metrics.Counter("deliverer_reencrypted_rows_total",
                                   "Bodies moved to the primary data key")),
      primary_(metrics.Gauge("deliverer_data_key_primary", "Id of the primary data key")) {
  metrics.DeclareGauge("deliverer_rows_by_data_key", kRowsHelp);
}

DataKeyJob::~DataKeyJob() { Stop(); }

void DataKeyJob::Start() {
  last_primary_ = store_.PrimaryDataKey();
  primary_.Set(last_primary_);
  thread_.Start("data-keys", [this] { return Round(); });
}

void DataKeyJob::Stop() { thread_.Stop(); }

std::chrono::milliseconds DataKeyJob::Round() {
  if (!counted_at_) {
    // Background work: it yields the cores to the write path and the carriers.
    (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    PublishCounts();
    counted_at_ = std::chrono::steady_clock::now();
  }
  const bool busy = Step();
  const auto now = std::chrono::steady_clock::now();
  // Counts after a pass finishes, and now and then while idle.
  if ((was_busy_ && !busy) || now - *counted_at_ >= options_.counts_every) {
    PublishCounts();
    counted_at_ = now;
  }
  was_busy_ = busy;
  return busy ? options_.busy_pause : options_.interval;
}

bool DataKeyJob::Step() {
  Reload();
  if (!options_.reencrypt) return false;
  auto moved = store_.ReencryptBatch(options_.batch);
  if (!moved.ok()) {
    log::Warn("data-keys", "re-encryption batch failed: {}", moved.error().code);
    return false;
  }
  moved_total_.Inc(*moved);
  return *moved > 0;
}

void DataKeyJob::Reload() {
  Status s = store_.ReloadDataKeys();
  if (!s.ok()) {
    // Once per distinct problem: the file is checked every second.
    if (s.error().detail != last_reload_error_) {
      log::Error("data-keys", "key ring not reloaded, keeping the keys in use: {}",
                 s.error().detail);
      last_reload_error_ = s.error().detail;
    }
    return;
  }
  last_reload_error_.clear();
  const uint32_t primary = store_.PrimaryDataKey();
  if (primary != last_primary_) {
    log::Info("data-keys", "data key {} is now primary; re-encrypting older bodies", primary);
    last_primary_ = primary;
    primary_.Set(primary);
  }
}

void DataKeyJob::PublishCounts() {
  auto counts = store_.CountRowsByDataKey();
  if (!counts.ok()) return;
  for (auto& [key, gauge] : rows_) gauge->Set(0);  // a retired key reads 0, not its last count
  for (const auto& [key, rows] : *counts) {
    auto [it, added] = rows_.try_emplace(key, nullptr);
    if (added) {
      it->second = &metrics_.Gauge("deliverer_rows_by_data_key", kRowsHelp,
                                   {{"key_id", std::to_string(key)}});
    }
    it->second->Set(static_cast<double>(rows));
  }
}

}  // namespace deliverer::server
