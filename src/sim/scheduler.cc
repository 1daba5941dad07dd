#include "sim/scheduler.h"

namespace deliverer::sim {

void DueQueue::Push(Steady::time_point at, Due kind, uint64_t key, uint32_t aux) {
  const DueEntry entry{at, next_order_++, key, aux, kind};
  if (fifo_.empty() || at >= fifo_.back().at) {
    fifo_.push_back(entry);
  } else {
    heap_.push(entry);
  }
}

DueEntry DueQueue::Pop() {
  if (FifoFirst()) {
    const DueEntry top = fifo_.front();
    fifo_.pop_front();
    return top;
  }
  DueEntry top = heap_.top();
  heap_.pop();
  return top;
}

Scheduler::Scheduler(boost::asio::io_context& io) : timer_(io) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::SetHandler(Due kind, Handler handler) {
  handlers_[static_cast<size_t>(kind)] = std::move(handler);
}

void Scheduler::Add(Steady::time_point at, Due kind, uint64_t key, uint32_t aux) {
  if (stopped_) return;
  queue_.Push(at, kind, key, aux);
  if (!dispatching_ && at < armed_at_) Arm();
}

void Scheduler::Stop() {
  stopped_ = true;
  armed_at_ = Steady::time_point::max();
  ++generation_;
  timer_.cancel();
}

void Scheduler::Arm() {
  if (stopped_ || queue_.empty()) {
    armed_at_ = Steady::time_point::max();
    return;
  }
  armed_at_ = queue_.top().at;
  const uint64_t generation = ++generation_;
  timer_.expires_at(armed_at_);
  timer_.async_wait([this, generation, alive = std::weak_ptr<bool>(alive_)](
                        const boost::system::error_code& ec) {
    if (ec || alive.expired() || generation != generation_) return;
    OnTimer();
  });
}

void Scheduler::OnTimer() {
  armed_at_ = Steady::time_point::max();
  const Steady::time_point now = Steady::now();
  // Entries added by handlers for `now` or earlier run in this same pass.
  dispatching_ = true;
  while (!stopped_ && !queue_.empty() && queue_.top().at <= now) {
    const DueEntry entry = queue_.Pop();
    const Handler& handler = handlers_[static_cast<size_t>(entry.kind)];
    if (handler) handler(entry.key, entry.aux);
  }
  dispatching_ = false;
  Arm();
}

}  // namespace deliverer::sim
