// Receipts out: the outbox rows of producers' messages (store::OutboxStore::
// DueProducerReceipts) as deliver_sm on their receiver and transceiver binds, each row
// removed once a deliver_sm_resp ESME_ROK acknowledged it.
#include <boost/asio/post.hpp>

#include <algorithm>

#include "common/log.h"
#include "smpp/status.h"
#include "smppd/net/core.h"
#include "smppd/receipt.h"

namespace deliverer::smppd::net {

namespace {

constexpr int64_t kRetryBaseMs = 1'000;
constexpr int64_t kRetryCapMs = 60'000;

// After a refusal or no answer: 1 s, 2 s, 4 s … at most a minute.
int64_t RetryDelayMs(int attempts) {
  const int shift = std::clamp(attempts, 0, 6);
  return std::min(kRetryCapMs, kRetryBaseMs << shift);
}

}  // namespace

void Core::SchedulePoll() {
  if (stopping_) return;
  poll_timer_.expires_after(options_.poll_interval);
  poll_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->stopping_) return;
    self->Poll();
    self->SchedulePoll();
  });
}

void Core::Poll() {
  std::set<std::string> receivers;
  for (const auto& [id, weak] : connections_) {
    auto connection = weak.lock();
    if (connection && connection->session().can_receive()) receivers.insert(connection->identity().system_id);
  }
  const int64_t now = deps_.clock.NowUnixMillis();
  for (const std::string& system_id : receivers) PollSystemId(system_id, now);
}

void Core::PollSystemId(const std::string& system_id, int64_t now_ms) {
  std::vector<std::shared_ptr<Connection>> binds;
  for (const auto& [id, weak] : connections_) {
    auto connection = weak.lock();
    if (connection && connection->session().can_receive() && connection->identity().system_id == system_id) {
      binds.push_back(std::move(connection));
    }
  }
  if (binds.empty()) return;
  // The bound: past max_queued_deliveries rows, the oldest are given up.
  const int limit = static_cast<int>(options_.max_queued_deliveries + options_.session.deliver_window * binds.size());
  auto due = deps_.outbox.DueProducerReceipts(system_id, now_ms, limit);
  if (!due.ok()) {
    log::Warn(kComponent, "cannot read the receipts of '{}': {}", system_id, due.error().detail);
    return;
  }
  const size_t over = due->size() > options_.max_queued_deliveries ? due->size() - options_.max_queued_deliveries : 0;
  std::vector<store::WebhookDone> done;
  size_t index = 0;
  for (store::ProducerReceiptJob& job : *due) {
    const bool old = now_ms - job.done_at_ms > options_.delivery_retention.count();
    if (delivering_.contains(job.event_id)) {
      ++index;
      continue;
    }
    if (index++ < over || old) {
      done.push_back(store::WebhookDone{job.event_id, false, 0});
      deps_.metrics.Counter("deliverer_smpp_server_deliveries_total", "deliver_sm to SMPP producers, by outcome",
                            {{"outcome", "given_up"}}).Inc();
      continue;
    }
    if (job.failures_only && job.status == model::Status::kDelivered) {
      done.push_back(store::WebhookDone{job.event_id, true, 0});
      continue;
    }
    auto bind = std::find_if(binds.begin(), binds.end(), [](const auto& c) { return c->session().CanDeliver(); });
    if (bind == binds.end()) break;  // every window is full: the rest waits for answers
    if ((*bind)->Deliver(MakeReceipt(job), job.event_id, job.attempts)) delivering_.insert(job.event_id);
  }
  for (const store::WebhookDone& d : done) delivering_.insert(d.event_id);
  Complete(std::move(done));
}

void Core::OnDeliveryAnswer(const std::string& event_id, uint32_t command_status, int attempts) {
  const bool delivered = command_status == smpp::kEsmeROk;
  deps_.metrics.Counter("deliverer_smpp_server_deliveries_total", "deliver_sm to SMPP producers, by outcome",
                        {{"outcome", delivered ? "delivered" : command_status == kNoAnswer ? "no_answer" : "refused"}})
      .Inc();
  const int64_t next = deps_.clock.NowUnixMillis() + RetryDelayMs(attempts);
  Complete({store::WebhookDone{event_id, delivered, delivered ? 0 : next}});
}

// The rows stay "delivering" until their change is committed, so that a poll in between
// does not read and send them again.
void Core::Complete(std::vector<store::WebhookDone> done) {
  if (done.empty()) return;
  std::vector<std::string> ids;
  for (const store::WebhookDone& d : done) ids.push_back(d.event_id);
  deps_.outbox.CompleteWebhooks(std::move(done), [self = shared_from_this(), ids = std::move(ids)](Status s) {
    if (!s.ok()) log::Warn(kComponent, "cannot record receipts delivered: {}", s.error().detail);
    boost::asio::post(self->io_, [self, ids] {
      for (const std::string& id : ids) self->delivering_.erase(id);
    });
  });
}

}  // namespace deliverer::smppd::net
