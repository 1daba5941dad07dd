#include "rabbitmq/dispatch_queue.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"
#include "rabbitmq/dispatch_message.h"

namespace deliverer::rabbitmq {
namespace {

constexpr std::string_view kComponent = "dispatch";
// The consumer's heartbeat, so that a broker gone without closing is noticed; the loop
// wakes at least every kConsumerTick to keep it.
constexpr int kHeartbeatS = 10;
constexpr std::chrono::milliseconds kConsumerTick{1000};
constexpr int kReadsPerWake = 1000;
constexpr std::string_view kConnectedHelp = "1 while this process's connection to RabbitMQ is up";
constexpr std::string_view kPendingHelp = "Deliveries waiting for RabbitMQ's confirm";

}  // namespace

DispatchQueue::DispatchQueue(DispatchOptions options, std::function<std::string(const std::string&)> ordering_key,
                             metrics::Registry& metrics)
    : options_(std::move(options)),
      ordering_key_(std::move(ordering_key)),
      metrics_(metrics),
      pending_gauge_(metrics.Gauge("deliverer_dispatch_pending", kPendingHelp)),
      wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  for (int p = 0; p < options_.partitions; ++p) queues_.push_back(PartitionQueue(options_.queue_prefix, p));
  metrics_.Gauge("deliverer_dispatch_connected", kConnectedHelp, {{"role", "publisher"}}).Set(0);
  if (options_.consume) metrics_.Gauge("deliverer_dispatch_connected", kConnectedHelp, {{"role", "consumer"}}).Set(0);
}

DispatchQueue::~DispatchQueue() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void DispatchQueue::Start() {
  publisher_ = std::thread([this] { RunReportingUnhandled("dispatch-pub", [this] { PublishLoop(); }); });
  if (options_.consume) {
    consumer_ = std::thread([this] { RunReportingUnhandled("dispatch-sub", [this] { ConsumeLoop(); }); });
  }
}

void DispatchQueue::Stop() {
  {
    common::MutexLock lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  publish_wake_.notify_all();
  pause_wake_.notify_all();
  Wake();
  if (publisher_.joinable()) publisher_.join();
  if (consumer_.joinable()) consumer_.join();
}

bool DispatchQueue::Pause(std::chrono::milliseconds wait) {
  common::MutexLock lock(mutex_);
  pause_wake_.wait_for(lock.native(), wait, [this] {
    mutex_.AssertHeld();
    return stopping_;
  });
  return !stopping_;
}

void DispatchQueue::Wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

// ---------------------------------------------------------------------------------------
// Publishing

void DispatchQueue::Publish(std::vector<queue::Delivery> deliveries) {
  if (deliveries.empty()) return;
  for (queue::Delivery& d : deliveries) d.destination = ordering_key_(d.destination);
  {
    common::MutexLock lock(mutex_);
    for (queue::Delivery& d : deliveries) pending_.push_back(std::move(d));
    pending_gauge_.Set(static_cast<double>(pending_.size()));
  }
  publish_wake_.notify_one();
}

size_t DispatchQueue::Pending() const {
  common::MutexLock lock(mutex_);
  return pending_.size();
}

Status DispatchQueue::ConnectPublisher(Client& client) {
  if (Status s = client.Connect(); !s.ok()) return s;
  if (Status s = client.EnableConfirms(); !s.ok()) return s;
  for (const std::string& queue : queues_) {
    if (Status s = client.DeclareQueue(queue, true); !s.ok()) return s;
  }
  return Status::Ok();
}

void DispatchQueue::PublishLoop() {
  NameThisThread("dispatch-pub");
  Client client(options_.endpoint, Client::Options{options_.timeout, 0, "deliverer publisher"});
  auto& connected = metrics_.Gauge("deliverer_dispatch_connected", kConnectedHelp,
                                  {{"role", "publisher"}});
  bool warned = false;
  for (;;) {
    std::vector<queue::Delivery> batch;
    {
      common::MutexLock lock(mutex_);
      publish_wake_.wait(lock.native(), [this] {
        mutex_.AssertHeld();
        return stopping_ || !pending_.empty();
      });
      // What waits at a stop is left to start-up recovery: a stop never waits for the broker.
      if (stopping_) break;
      const size_t n = std::min(options_.publish_batch, pending_.size());
      batch.assign(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    if (!client.connected()) {
      if (Status s = ConnectPublisher(client); !s.ok()) {
        connected.Set(0);
        if (!warned) log::Warn(kComponent, "cannot publish to RabbitMQ: {}", s.error().detail);
        warned = true;
        if (!Pause(options_.reconnect_every)) break;
        continue;
      }
      if (warned) log::Info(kComponent, "publishing to RabbitMQ again");
      warned = false;
      connected.Set(1);
    }
    std::vector<std::pair<std::string, std::string>> messages;
    messages.reserve(batch.size());
    for (const queue::Delivery& d : batch) {
      messages.emplace_back(queues_[PartitionOf(d.destination, options_.partitions)], EncodeDispatch(d));
    }
    if (Status s = client.Publish(messages); !s.ok()) {
      // Not confirmed: published again (a duplicate if the broker had taken some).
      log::Warn(kComponent, "publishing to RabbitMQ failed: {}", s.error().detail);
      connected.Set(client.connected() ? 1 : 0);
      if (!Pause(options_.reconnect_every)) break;
      continue;
    }
    {
      common::MutexLock lock(mutex_);
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
      pending_gauge_.Set(static_cast<double>(pending_.size()));
    }
    metrics_.Counter("deliverer_dispatch_published_total", "Deliveries published to RabbitMQ and confirmed")
        .Inc(static_cast<double>(batch.size()));
  }
  connected.Set(0);
}

// ---------------------------------------------------------------------------------------
// Consuming

Status DispatchQueue::ConnectConsumer(Client& client) {
  if (Status s = client.Connect(); !s.ok()) return s;
  for (const std::string& queue : queues_) {
    if (Status s = client.DeclareQueue(queue, true); !s.ok()) return s;
    if (Status s = client.Consume(queue, options_.prefetch); !s.ok()) return s;
  }
  return Status::Ok();
}

void DispatchQueue::Received(Message message) {
  std::optional<queue::Delivery> delivery = DecodeDispatch(message.body);
  if (!delivery) {
    // Never ours: acked, so that it does not come back for ever.
    metrics_.Counter("deliverer_dispatch_malformed_total", "Messages on the dispatch queues that were not dispatch messages")
        .Inc();
    common::MutexLock lock(mutex_);
    acks_.push_back(Tag{generation_.load(), message.delivery_tag});
    return;
  }
  {
    common::MutexLock lock(mutex_);
    tags_[delivery->message_id].push_back(Tag{generation_.load(), message.delivery_tag});
  }
  local_.Publish({std::move(*delivery)});
}

void DispatchQueue::Ack(const queue::Delivery& delivery) {
  local_.Ack(delivery);
  bool first = false;
  {
    common::MutexLock lock(mutex_);
    auto it = tags_.find(delivery.message_id);
    if (it == tags_.end()) return;
    first = acks_.empty();
    acks_.push_back(it->second.back());
    it->second.pop_back();
    if (it->second.empty()) tags_.erase(it);
  }
  // One wake-up for the acks that gather before the consumer thread takes them.
  if (first) Wake();
}

void DispatchQueue::ConsumeLoop() {
  NameThisThread("dispatch-sub");
  Client client(options_.endpoint, Client::Options{options_.timeout, kHeartbeatS, "deliverer consumer"});
  auto& connected = metrics_.Gauge("deliverer_dispatch_connected", kConnectedHelp,
                                  {{"role", "consumer"}});
  auto& consumed = metrics_.Counter("deliverer_dispatch_consumed_total", "Deliveries received from RabbitMQ");
  bool warned = false;
  while (Pause(std::chrono::milliseconds(0))) {
    if (!client.connected()) {
      connected.Set(0);
      if (Status s = ConnectConsumer(client); !s.ok()) {
        if (!warned) log::Warn(kComponent, "cannot consume from RabbitMQ: {}", s.error().detail);
        warned = true;
        Pause(options_.reconnect_every);
        continue;
      }
      // Tags of the connection before are void: the broker gives those messages again.
      ++generation_;
      if (warned) log::Info(kComponent, "consuming from RabbitMQ again");
      warned = false;
      connected.Set(1);
    }
    std::vector<Tag> acks;
    {
      common::MutexLock lock(mutex_);
      acks.swap(acks_);
    }
    bool lost = false;
    for (const Tag& tag : acks) {
      if (tag.generation != generation_.load()) continue;
      if (Status s = client.Ack(tag.delivery_tag); !s.ok()) {
        log::Warn(kComponent, "RabbitMQ connection lost: {}", s.error().detail);
        lost = true;
        break;
      }
    }
    if (lost) continue;
    if (!client.Buffered()) {
      pollfd fds[2] = {{client.Fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      (void)poll(fds, 2, static_cast<int>(kConsumerTick.count()));
      if ((fds[1].revents & POLLIN) != 0) {
        uint64_t count = 0;
        (void)!read(wake_fd_, &count, sizeof(count));
      }
    }
    // At least one call each tick, which also keeps the heartbeat.
    for (int i = 0; i < kReadsPerWake; ++i) {
      auto next = client.Next(std::chrono::milliseconds(0));
      if (!next.ok()) {
        log::Warn(kComponent, "RabbitMQ connection lost: {}", next.error().detail);
        break;
      }
      if (!next->has_value()) break;
      consumed.Inc();
      Received(std::move(**next));
    }
  }
  // What the engine finished while it drained: acked, so that it does not come back.
  if (client.connected()) {
    std::vector<Tag> acks;
    {
      common::MutexLock lock(mutex_);
      acks.swap(acks_);
    }
    for (const Tag& tag : acks) {
      if (tag.generation == generation_.load() && !client.Ack(tag.delivery_tag).ok()) break;
    }
  }
  client.Close();
  connected.Set(0);
}

}  // namespace deliverer::rabbitmq
