#pragma once
// The Queue seam on RabbitMQ ([queue] backend = "rabbitmq"; docs/deployment.md "Dispatch
// through RabbitMQ"), in the delivering process.
//
// Publishing: Publish() hands deliveries to a publisher thread, which sends them in
// batches to durable quorum queues, one per partition of the destinations' ordering keys
// (dispatch_message.h), and waits for the broker's confirms; what was not confirmed is
// sent again. While the broker is away the deliveries wait here (Pending()): the caller
// that feeds it from the store's hand-over (delivery/handover_feed.h) stops taking more
// meanwhile, and start-up recovery publishes again whatever a crash left unconfirmed.
//
// Consuming: a consumer thread takes every partition queue (single active consumer:
// another process consuming stands by) and puts each delivery in an embedded queue
// (queue/embedded), which keeps one delivery per destination out, priorities and retries.
// A delivery's broker message is acked once the engine acks the delivery; one retried
// stays unacked, so a process that dies leaves the broker every message it had not
// finished, which the broker gives to the next consumer, in order.
//
// Duplicates are possible (a confirm lost with its connection, a redelivery after a
// reconnect, start-up recovery): the engine ends a delivery whose message no longer
// waits (delivery/engine.h).
//
// Thread-safe, as the Queue seam asks.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "metrics/metrics.h"
#include "queue/embedded/embedded_queue.h"
#include "queue/queue.h"
#include "rabbitmq/client.h"

namespace deliverer::rabbitmq {

struct DispatchOptions {
  Endpoint endpoint;
  int partitions = 16;
  std::string queue_prefix = "deliverer.dispatch.";
  uint16_t prefetch = 1000;         // unacked deliveries per partition queue
  bool consume = true;              // false: publish only (tests)
  size_t publish_batch = 500;
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds reconnect_every{1000};
};

class DispatchQueue final : public queue::Queue {
 public:
  // `ordering_key(number)`: what stands for a destination on the broker.
  DispatchQueue(DispatchOptions options, std::function<std::string(const std::string&)> ordering_key,
                metrics::Registry& metrics);
  ~DispatchQueue() override;
  DispatchQueue(const DispatchQueue&) = delete;
  DispatchQueue& operator=(const DispatchQueue&) = delete;

  // Starts the threads; they connect, and keep connecting, on their own.
  void Start();
  // Stops consuming (what the engine acked is acked, the rest returns to the broker) and
  // publishing (what waits is left to start-up recovery).
  void Stop();
  // Deliveries published and not confirmed yet.
  size_t Pending() const;

  // queue::Queue. Take, Ack, Retry and the rest are the consumer's; in a process that
  // does not consume, Take finds nothing.
  void Subscribe(queue::Consumer* consumer) override { local_.Subscribe(consumer); }
  void Publish(std::vector<queue::Delivery> deliveries) override;
  std::vector<queue::Delivery> Take(int64_t now_ms, size_t max) override { return local_.Take(now_ms, max); }
  void Ack(const queue::Delivery& delivery) override;
  void Retry(queue::Delivery delivery, int64_t not_before_ms) override {
    local_.Retry(std::move(delivery), not_before_ms);
  }
  std::optional<int64_t> NextRetryAt() const override { return local_.NextRetryAt(); }
  size_t Depth() const override { return local_.Depth(); }
  std::optional<int64_t> OldestQueuedAt() const override { return local_.OldestQueuedAt(); }

 private:
  struct Tag {
    uint64_t generation;
    uint64_t delivery_tag;
  };

  void PublishLoop();
  void ConsumeLoop();
  Status ConnectPublisher(Client& client);
  Status ConnectConsumer(Client& client);
  // Waits up to `wait`, or until Stop; false once stopping.
  bool Pause(std::chrono::milliseconds wait);
  void Wake();
  void Received(Message message);

  const DispatchOptions options_;
  const std::function<std::string(const std::string&)> ordering_key_;
  metrics::Registry& metrics_;
  metrics::Gauge& pending_gauge_;
  std::vector<std::string> queues_;  // by partition
  queue::EmbeddedQueue local_;

  mutable common::Mutex mutex_;
  std::condition_variable publish_wake_;
  std::condition_variable pause_wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::deque<queue::Delivery> pending_ GUARDED_BY(mutex_);       // keyed, oldest first
  std::map<std::string, std::vector<Tag>> tags_ GUARDED_BY(mutex_);  // unacked broker messages by id
  std::vector<Tag> acks_ GUARDED_BY(mutex_);                      // for the consumer thread to send
  std::atomic<uint64_t> generation_{0};                           // the consumer's connection
  int wake_fd_ = -1;  // an eventfd: acks for the consumer thread
  std::thread publisher_;
  std::thread consumer_;
};

}  // namespace deliverer::rabbitmq
