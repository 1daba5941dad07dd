#include "delivery/handover_feed.h"

#include <future>

#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"

namespace deliverer::delivery {

HandoverFeed::HandoverFeed(store::DeliveryStore& store, queue::Queue& queue, metrics::Registry& metrics,
                           Options options)
    : store_(store), queue_(queue), metrics_(metrics), options_(options) {}

HandoverFeed::~HandoverFeed() { Stop(); }

Status HandoverFeed::Discard() {
  size_t discarded = 0;
  for (;;) {
    auto taken = TakeOnce(/*publish=*/false);
    if (!taken.ok()) return taken.error();
    discarded += *taken;
    if (*taken < static_cast<size_t>(options_.batch)) break;
  }
  if (discarded > 0) log::Info("delivery", "{} handed-over messages left to start-up recovery", discarded);
  return Status::Ok();
}

void HandoverFeed::Start() {
  thread_ = std::thread([this] {
    NameThisThread("handover");
    RunReportingUnhandled("handover", [this] { Run(); });
  });
}

void HandoverFeed::Stop() {
  {
    common::MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

// Blocks this thread until the store's writer has committed the take (or failed it).
Result<size_t> HandoverFeed::TakeOnce(bool publish) {
  std::promise<Result<std::vector<store::QueuedRef>>> promise;
  auto future = promise.get_future();
  store_.TakeHandedOver(options_.batch, [&promise](Result<std::vector<store::QueuedRef>> taken) {
    promise.set_value(std::move(taken));
  });
  auto taken = future.get();
  if (!taken.ok()) return taken.take_error();
  const size_t count = taken->size();
  if (publish && count > 0) {
    std::vector<queue::Delivery> deliveries;
    deliveries.reserve(count);
    for (store::QueuedRef& ref : *taken) {
      deliveries.push_back(queue::Delivery{std::move(ref.id), std::move(ref.to), ref.priority, ref.created_at_ms, 0});
    }
    queue_.Publish(std::move(deliveries));
    metrics_.Counter("deliverer_handover_messages_total",
                     "Messages taken over from processes that accept but do not deliver").Inc(static_cast<double>(count));
  }
  return count;
}

void HandoverFeed::Run() {
  bool failing = false;
  for (;;) {
    const bool can_take = !options_.can_take || options_.can_take();
    Result<size_t> taken = can_take ? TakeOnce(/*publish=*/true) : Result<size_t>(size_t{0});
    if (!taken.ok() && !failing) {
      // Once per outage: the store's own health (/readyz) tells the rest.
      log::Warn("delivery", "cannot take handed-over messages: {}", taken.error().code);
    }
    failing = !taken.ok();
    const bool full = taken.ok() && *taken >= static_cast<size_t>(options_.batch);
    common::MutexLock lock(mutex_);
    if (stopping_) return;
    if (full) continue;
    if (wake_.wait_for(lock.native(), options_.idle_interval, [this] {
          mutex_.AssertHeld();
          return stopping_;
        })) {
      return;
    }
  }
}

}  // namespace deliverer::delivery
