#pragma once
// The embedded Queue: everything in memory, dispatched within the process. Durability
// comes from the store (a message is published only after its commit, and start-up
// re-publishes every non-terminal message), so nothing here needs to survive a crash.
// Thread-safe: one mutex guards all state; every operation is O(log n) or better.
#include <deque>
#include <queue>
#include <vector>

#include "common/mutex.h"
#include "queue/queue.h"

namespace deliverer::queue {

class EmbeddedQueue final : public Queue {
 public:
  explicit EmbeddedQueue(size_t partitions = 256);

  void Subscribe(Consumer* consumer) override;
  void Publish(std::vector<Delivery> deliveries) override;
  std::vector<Delivery> Take(int64_t now_ms, size_t max) override;
  void Ack(const Delivery& delivery) override;
  void Retry(Delivery delivery, int64_t not_before_ms) override;
  std::optional<int64_t> NextRetryAt() const override;
  size_t Depth() const override;

  size_t PartitionOf(const std::string& destination) const;

 private:
  struct Partition {
    std::deque<Delivery> waiting[3];  // by model::Priority: low, normal, high
    bool busy = false;                // one delivery is out
    bool listed = false;              // in ready_
    bool Empty() const { return waiting[0].empty() && waiting[1].empty() && waiting[2].empty(); }
  };
  struct Timed {
    int64_t due_ms;
    uint64_t order;  // FIFO among equal due times
    Delivery delivery;
    bool operator>(const Timed& other) const {
      return due_ms != other.due_ms ? due_ms > other.due_ms : order > other.order;
    }
  };

  void EnqueueLocked(Delivery&& delivery) REQUIRES(mutex_);
  void MarkReadyLocked(size_t partition) REQUIRES(mutex_);
  void ReleaseLocked(const Delivery& delivery) REQUIRES(mutex_);
  void NotifyConsumer() EXCLUDES(mutex_);

  // partitions_.size(), fixed at construction: PartitionOf needs no lock.
  const size_t partition_count_;
  mutable common::Mutex mutex_;
  Consumer* consumer_ GUARDED_BY(mutex_) = nullptr;
  std::vector<Partition> partitions_ GUARDED_BY(mutex_);
  // Partitions that are free and hold work, in the order they became so.
  std::deque<size_t> ready_ GUARDED_BY(mutex_);
  std::priority_queue<Timed, std::vector<Timed>, std::greater<>> retries_ GUARDED_BY(mutex_);
  uint64_t retry_order_ GUARDED_BY(mutex_) = 0;
  size_t depth_ GUARDED_BY(mutex_) = 0;
};

}  // namespace deliverer::queue
