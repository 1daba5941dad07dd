#include "queue/embedded/embedded_queue.h"

#include <functional>

namespace deliverer::queue {

EmbeddedQueue::EmbeddedQueue(size_t partitions)
    : partition_count_(partitions == 0 ? 1 : partitions), partitions_(partition_count_) {}

size_t EmbeddedQueue::PartitionOf(const std::string& destination) const {
  return std::hash<std::string>{}(destination) % partition_count_;
}

void EmbeddedQueue::Subscribe(Consumer* consumer) {
  common::MutexLock lock(mutex_);
  consumer_ = consumer;
}

void EmbeddedQueue::NotifyConsumer() {
  Consumer* consumer;
  {
    common::MutexLock lock(mutex_);
    consumer = consumer_;
  }
  if (consumer) consumer->Notify();
}

void EmbeddedQueue::EnqueueLocked(Delivery&& delivery) {
  const size_t index = PartitionOf(delivery.destination);
  Partition& partition = partitions_[index];
  partition.waiting[static_cast<size_t>(delivery.priority)].push_back(std::move(delivery));
  MarkReadyLocked(index);
}

void EmbeddedQueue::MarkReadyLocked(size_t index) {
  Partition& partition = partitions_[index];
  if (!partition.busy && !partition.listed && !partition.Empty()) {
    partition.listed = true;
    ready_.push_back(index);
  }
}

void EmbeddedQueue::Publish(std::vector<Delivery> deliveries) {
  if (deliveries.empty()) return;
  {
    common::MutexLock lock(mutex_);
    depth_ += deliveries.size();
    for (Delivery& delivery : deliveries) EnqueueLocked(std::move(delivery));
  }
  NotifyConsumer();
}

std::vector<Delivery> EmbeddedQueue::Take(int64_t now_ms, size_t max) {
  std::vector<Delivery> taken;
  common::MutexLock lock(mutex_);
  while (!retries_.empty() && retries_.top().due_ms <= now_ms) {
    Delivery delivery = std::move(const_cast<Timed&>(retries_.top()).delivery);
    retries_.pop();
    EnqueueLocked(std::move(delivery));
  }
  while (taken.size() < max && !ready_.empty()) {
    const size_t index = ready_.front();
    ready_.pop_front();
    Partition& partition = partitions_[index];
    partition.listed = false;
    for (int priority = 2; priority >= 0; --priority) {
      auto& waiting = partition.waiting[priority];
      if (waiting.empty()) continue;
      taken.push_back(std::move(waiting.front()));
      waiting.pop_front();
      partition.busy = true;
      break;
    }
  }
  return taken;
}

void EmbeddedQueue::ReleaseLocked(const Delivery& delivery) {
  const size_t index = PartitionOf(delivery.destination);
  partitions_[index].busy = false;
  MarkReadyLocked(index);
}

void EmbeddedQueue::Ack(const Delivery& delivery) {
  {
    common::MutexLock lock(mutex_);
    --depth_;
    ReleaseLocked(delivery);
  }
  NotifyConsumer();
}

void EmbeddedQueue::Retry(Delivery delivery, int64_t not_before_ms) {
  {
    common::MutexLock lock(mutex_);
    ReleaseLocked(delivery);
    retries_.push(Timed{not_before_ms, retry_order_++, std::move(delivery)});
  }
  NotifyConsumer();
}

std::optional<int64_t> EmbeddedQueue::NextRetryAt() const {
  common::MutexLock lock(mutex_);
  if (retries_.empty()) return std::nullopt;
  return retries_.top().due_ms;
}

size_t EmbeddedQueue::Depth() const {
  common::MutexLock lock(mutex_);
  return depth_;
}

}  // namespace deliverer::queue
