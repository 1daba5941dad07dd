#include "queue/embedded/embedded_queue.h"

namespace deliverer::queue {

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

void EmbeddedQueue::UnlistLocked(Destinations::iterator it) {
  if (it->second.Takeable()) ready_.erase(it->second.waiting.begin()->first);
}

void EmbeddedQueue::ListLocked(Destinations::iterator it) {
  if (it->second.Takeable()) ready_.emplace(it->second.waiting.begin()->first, it);
}

void EmbeddedQueue::EnqueueLocked(Delivery&& delivery) {
  const auto it = destinations_.try_emplace(delivery.destination).first;
  UnlistLocked(it);
  const Place place{delivery.priority, next_seq_++};
  it->second.waiting.emplace(place, std::move(delivery));
  ListLocked(it);
}

void EmbeddedQueue::Publish(std::vector<Delivery> deliveries) {
  if (deliveries.empty()) return;
  {
    common::MutexLock lock(mutex_);
    depth_ += deliveries.size();
    for (Delivery& delivery : deliveries) {
      queued_at_.insert(delivery.queued_at_ms);
      EnqueueLocked(std::move(delivery));
    }
  }
  NotifyConsumer();
}

// The first ready destination's head; its destination is then out, and so unlisted.
Delivery EmbeddedQueue::TakeHeadLocked() {
  const auto it = ready_.begin()->second;
  ready_.erase(ready_.begin());
  Destination& destination = it->second;
  const auto head = destination.waiting.begin();
  Delivery delivery = std::move(head->second);
  destination.waiting.erase(head);
  destination.out = true;
  return delivery;
}

std::vector<Delivery> EmbeddedQueue::Take(int64_t now_ms, size_t max) {
  std::vector<Delivery> taken;
  common::MutexLock lock(mutex_);
  while (!retries_.empty() && retries_.top().due_ms <= now_ms) {
    Delivery delivery = std::move(const_cast<Timed&>(retries_.top()).delivery);
    retries_.pop();
    EnqueueLocked(std::move(delivery));
  }
  while (taken.size() < max && !ready_.empty()) taken.push_back(TakeHeadLocked());
  return taken;
}

// A destination with nothing out and nothing waiting is forgotten: a retry of it holds
// its own copy of the destination and brings the entry back when it falls due.
void EmbeddedQueue::ReleaseLocked(const std::string& destination) {
  const auto it = destinations_.find(destination);
  if (it == destinations_.end() || !it->second.out) return;  // not out: nothing to free
  it->second.out = false;
  if (it->second.waiting.empty()) {
    destinations_.erase(it);
  } else {
    ListLocked(it);
  }
}

void EmbeddedQueue::Ack(const Delivery& delivery) {
  {
    common::MutexLock lock(mutex_);
    --depth_;
    if (const auto it = queued_at_.find(delivery.queued_at_ms); it != queued_at_.end()) queued_at_.erase(it);
    ReleaseLocked(delivery.destination);
  }
  NotifyConsumer();
}

void EmbeddedQueue::Retry(Delivery delivery, int64_t not_before_ms) {
  {
    common::MutexLock lock(mutex_);
    ReleaseLocked(delivery.destination);
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

std::optional<int64_t> EmbeddedQueue::OldestQueuedAt() const {
  common::MutexLock lock(mutex_);
  if (queued_at_.empty()) return std::nullopt;
  return *queued_at_.begin();
}

size_t EmbeddedQueue::TrackedDestinations() const {
  common::MutexLock lock(mutex_);
  return destinations_.size();
}

}  // namespace deliverer::queue
