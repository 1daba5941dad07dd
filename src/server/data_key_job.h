#pragma once
// Keeps a running `serve` in step with the key ring (docs/reliability.md S9): it picks up a
// rotation made by `deliverer keys rotate-data-key` (the ring file is re-read when it
// changes), moves bodies and accounts' webhook secrets sealed with older keys to the
// primary key in small batches, and publishes rows per key
// (deliverer_rows_by_data_key{key_id}).
//
// Runs on a thread of its own at a lower scheduling priority. Each batch is one short
// write job on the store's writer, so producers' commits never wait behind a long
// re-encryption; between batches it pauses. Start and Stop from one thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/periodic_thread.h"
#include "metrics/metrics.h"
#include "store/maintenance_store.h"

namespace deliverer::server {

class DataKeyJob {
 public:
  struct Options {
    std::chrono::milliseconds interval{1000};   // ring check and pause when idle
    std::chrono::milliseconds busy_pause{20};   // pause between batches while rows remain
    int batch = 200;                            // rows per batch at most
    bool reencrypt = true;                      // false for --role api: workers move rows
    std::chrono::seconds counts_every{30};      // gauge refresh when nothing moves
  };

  DataKeyJob(store::MaintenanceStore& store, metrics::Registry& metrics, Options options);
  ~DataKeyJob();  // stops

  void Start();
  void Stop();

 private:
  // One run of the thread: Step, the counts when due; the pause before the next.
  std::chrono::milliseconds Round();
  // One round: reload the ring, move one batch; true when rows were moved.
  bool Step();
  void Reload();
  void PublishCounts();

  store::MaintenanceStore& store_;
  metrics::Registry& metrics_;
  const Options options_;
  metrics::Counter& moved_total_;
  metrics::Gauge& primary_;
  std::map<uint32_t, metrics::Gauge*> rows_;  // the job's thread only
  std::string last_reload_error_;              // the job's thread only
  uint32_t last_primary_ = 0;                  // the job's thread only
  std::optional<std::chrono::steady_clock::time_point> counted_at_;  // the job's thread only; unset before its first round
  bool was_busy_ = false;                      // the job's thread only

  common::PeriodicThread thread_;  // last: stopped before the members its job uses go
};

}  // namespace deliverer::server
