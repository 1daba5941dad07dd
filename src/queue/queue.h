#pragma once
// The Queue seam: committed messages waiting to be submitted to a carrier. Two
// implementations are planned: embedded (in memory, queue/embedded/, rebuilt from the
// store at start-up) and RabbitMQ (quorum queues, publisher confirms, manual acks).
// Callers include this header only; server/ picks the backend.
//
// Semantics, common to both (a backend MUST keep every one of them):
//   - Per-destination order: at most one delivery per destination is out (taken and not
//     yet acked or retried), so one destination's messages are submitted in acceptance
//     order (docs/architecture.md "Delivery, in order"). That is the whole promise: a
//     delivery MUST NOT wait for one to another destination (no fixed set of partitions
//     or shards with one out each), so what is out at once is limited only by what the
//     consumer takes (the carriers' windows).
//   - Priorities: high before normal before low; FIFO within one. Strict within a
//     destination; across destinations Take SHOULD hand deliveries out in that order too
//     (the embedded queue does).
//   - Retries: Retry() frees the destination at once and brings the delivery back at
//     `not_before_ms`, behind what is already waiting for it; a retry never blocks its
//     destination.
//   - At-least-once: a delivery taken and never acked (the process died) comes back
//     (embedded: the store's recovery at start-up re-publishes every non-terminal message).
//
// Threading: implementations are thread-safe. The consumer's Notify() may run on any
// thread (the publisher's) and must only schedule a Take() on the consumer's own thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/message.h"

namespace deliverer::queue {

struct Delivery {
  std::string message_id;
  std::string destination;  // E.164; the ordering key
  model::Priority priority = model::Priority::kNormal;
  // When it became due for delivery: its acceptance, or for a scheduled message its release
  // at send_at. Start-up recovery, which reads no send_at, gives the acceptance.
  int64_t queued_at_ms = 0;
  int attempt = 0;          // submits tried so far
};

class Consumer {
 public:
  virtual ~Consumer() = default;
  // Something became takeable (a publish, a freed destination, a due retry). Schedule a
  // Take(); never call back into the queue from here.
  virtual void Notify() = 0;
};

class Queue {
 public:
  virtual ~Queue() = default;

  // One consumer per process; call before publishing.
  virtual void Subscribe(Consumer* consumer) = 0;
  // Makes the deliveries takeable (their messages are durable already).
  virtual void Publish(std::vector<Delivery> deliveries) = 0;
  // Up to `max` deliveries whose destinations have none out, in priority then acceptance
  // order, after moving retries due at `now_ms` back in. Each taken delivery holds its
  // destination until Ack or Retry.
  virtual std::vector<Delivery> Take(int64_t now_ms, size_t max) = 0;
  // The delivery is finished with (sent, or ended terminally): frees its destination.
  virtual void Ack(const Delivery& delivery) = 0;
  // Frees the destination and brings the delivery back at `not_before_ms`.
  virtual void Retry(Delivery delivery, int64_t not_before_ms) = 0;
  // When the earliest pending retry is due; nullopt when none waits.
  virtual std::optional<int64_t> NextRetryAt() const = 0;
  // Deliveries published and not yet acked (waiting, taken, or due for retry).
  virtual size_t Depth() const = 0;
  // The earliest queued_at_ms of those deliveries; nullopt when there are none. A message
  // that ended while it waited (its TTL passed, it was canceled) still counts until the
  // consumer takes it and acks it, so this is how far behind the delivery side is
  // (docs/operations.md "Metrics": deliverer_queue_oldest_age_seconds). A shared queue
  // answers for the whole queue, not one consumer's share.
  virtual std::optional<int64_t> OldestQueuedAt() const = 0;
};

}  // namespace deliverer::queue
