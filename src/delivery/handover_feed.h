#pragma once
// Brings the messages that `serve --role api` processes accepted into this delivering
// process's queue (store/delivery_store.h TakeHandedOver), for a store shared by several
// processes (PostgreSQL; docs/deployment.md). With RabbitMQ dispatch every process hands
// over, this one included, and the queue it feeds publishes to the broker: so one
// destination's messages reach the broker in the order they were stored. A thread of its own takes them in batches:
// at once again after a full batch, else after `idle_interval`, which bounds what the
// hand-over adds to a message's time from acceptance to submission.
//
// Start-up: Discard() first, then the engine's recovery, then Start(). Recovery publishes
// every message queued in the store, so what the hand-over held before it is dropped
// rather than published twice; what is handed over while recovery reads is published by
// both, and the engine ends the second delivery of a message that is no longer waiting.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <thread>

#include "common/mutex.h"
#include "common/result.h"
#include "metrics/metrics.h"
#include "queue/queue.h"
#include "store/delivery_store.h"

namespace deliverer::delivery {

class HandoverFeed {
 public:
  struct Options {
    std::chrono::milliseconds idle_interval{50};
    int batch = 1000;
    // False while the queue cannot pass more on (RabbitMQ away): the rows then wait in the
    // store, not in memory. Empty: always true.
    std::function<bool()> can_take;
  };

  // Each must outlive this.
  HandoverFeed(store::DeliveryStore& store, queue::Queue& queue, metrics::Registry& metrics, Options options);
  ~HandoverFeed();
  HandoverFeed(const HandoverFeed&) = delete;
  HandoverFeed& operator=(const HandoverFeed&) = delete;

  // Empties the hand-over without publishing; blocks. Before recovery.
  Status Discard();
  void Start();
  // Waits for the batch being taken, if any: what it took and could not publish stays
  // queued in the store for the next start's recovery.
  void Stop();

 private:
  Result<size_t> TakeOnce(bool publish);
  void Run();

  store::DeliveryStore& store_;
  queue::Queue& queue_;
  metrics::Registry& metrics_;
  const Options options_;
  common::Mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace deliverer::delivery
