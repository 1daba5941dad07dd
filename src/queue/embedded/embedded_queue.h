#pragma once
// The embedded Queue: everything in memory, dispatched within the process. Durability
// comes from the store (a message is published only after its commit, and start-up
// re-publishes every non-terminal message), so nothing here needs to survive a crash.
// Thread-safe: one mutex guards all state; every operation is O(log n) per delivery, n
// being what is queued. Memory is bounded by what is queued too: a destination's
// bookkeeping exists only while it has a delivery waiting or out.
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "queue/queue.h"

namespace deliverer::queue {

class EmbeddedQueue final : public Queue {
 public:
  EmbeddedQueue() = default;

  void Subscribe(Consumer* consumer) override;
  void Publish(std::vector<Delivery> deliveries) override;
  std::vector<Delivery> Take(int64_t now_ms, size_t max) override;
  void Ack(const Delivery& delivery) override;
  void Retry(Delivery delivery, int64_t not_before_ms) override;
  std::optional<int64_t> NextRetryAt() const override;
  size_t Depth() const override;
  std::optional<int64_t> OldestQueuedAt() const override;

  // Destinations with a delivery waiting or out; pending retries are not counted (they
  // hold no destination). For tests that bookkeeping is released.
  size_t TrackedDestinations() const;

 private:
  // A waiting delivery's place: higher priority first, then the order in which it became
  // takeable (published, or its retry fell due). `seq` is unique, so no two places tie.
  struct Place {
    model::Priority priority;
    uint64_t seq;
    bool operator<(const Place& other) const {
      return priority != other.priority ? priority > other.priority : seq < other.seq;
    }
  };
  struct Destination {
    std::map<Place, Delivery> waiting;
    bool out = false;  // one of its deliveries is taken, not yet acked or retried
    // Invariant: listed in ready_ under waiting's first place iff Takeable().
    bool Takeable() const { return !out && !waiting.empty(); }
  };
  using Destinations = std::map<std::string, Destination, std::less<>>;
  struct Timed {
    int64_t due_ms;
    uint64_t order;  // FIFO among equal due times
    Delivery delivery;
    bool operator>(const Timed& other) const {
      return due_ms != other.due_ms ? due_ms > other.due_ms : order > other.order;
    }
  };

  void EnqueueLocked(Delivery&& delivery) REQUIRES(mutex_);
  // Take ready_'s entry for `it` out before its head or state changes, and put it back after.
  void UnlistLocked(Destinations::iterator it) REQUIRES(mutex_);
  void ListLocked(Destinations::iterator it) REQUIRES(mutex_);
  Delivery TakeHeadLocked() REQUIRES(mutex_);
  void ReleaseLocked(const std::string& destination) REQUIRES(mutex_);
  void NotifyConsumer() EXCLUDES(mutex_);

  mutable common::Mutex mutex_;
  Consumer* consumer_ GUARDED_BY(mutex_) = nullptr;
  Destinations destinations_ GUARDED_BY(mutex_);
  // The head of every takeable destination, by the head's place: Take hands out the first.
  // So across destinations too, high priority goes first, then acceptance order.
  std::map<Place, Destinations::iterator> ready_ GUARDED_BY(mutex_);
  uint64_t next_seq_ GUARDED_BY(mutex_) = 0;
  std::priority_queue<Timed, std::vector<Timed>, std::greater<>> retries_ GUARDED_BY(mutex_);
  uint64_t retry_order_ GUARDED_BY(mutex_) = 0;
  size_t depth_ GUARDED_BY(mutex_) = 0;
  // queued_at_ms of every delivery counted in depth_, so the oldest is its first.
  std::multiset<int64_t> queued_at_ GUARDED_BY(mutex_);
};

}  // namespace deliverer::queue
