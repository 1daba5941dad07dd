// Receipts and MOs out: the outbox rows of producers' messages (store::OutboxStore::
// DueProducerReceipts) and of MOs to their accounts' numbers (DueProducerInbound) as
// deliver_sm on their receiver and transceiver binds, each row removed once a
// deliver_sm_resp ESME_ROK acknowledged it.
#include <boost/asio/post.hpp>

#include <algorithm>

#include "common/log.h"
#include "smpp/status.h"
#include "smppd/net/core.h"
#include "smppd/inbound.h"
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
  std::set<std::string> system_ids;
  std::set<std::string> accounts;
  for (const auto& [id, weak] : connections_) {
    auto connection = weak.lock();
    if (!connection || !connection->session().can_receive()) continue;
    system_ids.insert(connection->identity().system_id);
    accounts.insert(connection->identity().account);
  }
  const int64_t now = deps_.clock.NowUnixMillis();
  for (const std::string& system_id : system_ids) PollSystemId(system_id, now);
  for (const std::string& account : accounts) PollAccountInbound(account, now);
}

std::vector<std::shared_ptr<Connection>> Core::ReceiversWhere(
    const std::function<bool(const Identity&)>& match) const {
  std::vector<std::shared_ptr<Connection>> binds;
  for (const auto& [id, weak] : connections_) {
    auto connection = weak.lock();
    if (connection && connection->session().can_receive() && match(connection->identity())) {
      binds.push_back(std::move(connection));
    }
  }
  return binds;
}

bool Core::Offer(const std::string& event_id, int64_t at_ms, bool over_bound, int attempts,
                 const std::vector<std::shared_ptr<Connection>>& binds, smpp::DeliverSm&& pdu,
                 std::vector<store::WebhookDone>& done) {
  if (over_bound || deps_.clock.NowUnixMillis() - at_ms > options_.delivery_retention.count()) {
    done.push_back(store::WebhookDone{event_id, false, 0});
    deps_.metrics.Counter("deliverer_smpp_server_deliveries_total", "deliver_sm to SMPP producers, by outcome",
                          {{"outcome", "given_up"}}).Inc();
    return true;
  }
  auto bind = std::find_if(binds.begin(), binds.end(), [](const auto& c) { return c->session().CanDeliver(); });
  if (bind == binds.end()) return false;  // every window is full: the rest waits for answers
  if ((*bind)->Deliver(std::move(pdu), event_id, attempts)) delivering_.insert(event_id);
  return true;
}

// The bound: past max_queued_deliveries rows, the oldest are given up.
void Core::PollSystemId(const std::string& system_id, int64_t now_ms) {
  const auto binds = ReceiversWhere([&](const Identity& i) { return i.system_id == system_id; });
  if (binds.empty()) return;
  const int limit = static_cast<int>(options_.max_queued_deliveries + options_.session.deliver_window * binds.size());
  auto due = deps_.outbox.DueProducerReceipts(system_id, now_ms, limit);
  if (!due.ok()) {
    log::Warn(kComponent, "cannot read the receipts of '{}': {}", system_id, due.error().detail);
    return;
  }
  const size_t over = due->size() > options_.max_queued_deliveries ? due->size() - options_.max_queued_deliveries : 0;
  std::vector<store::WebhookDone> done;
  for (size_t index = 0; index < due->size(); ++index) {
    store::ProducerReceiptJob& job = (*due)[index];
    if (delivering_.contains(job.event_id)) continue;
    if (job.failures_only && job.status == model::Status::kDelivered) {
      done.push_back(store::WebhookDone{job.event_id, true, 0});
      continue;
    }
    if (!Offer(job.event_id, job.done_at_ms, index < over, job.attempts, binds, MakeReceipt(job), done)) break;
  }
  for (const store::WebhookDone& d : done) delivering_.insert(d.event_id);
  Complete(std::move(done));
}

void Core::PollAccountInbound(const std::string& account, int64_t now_ms) {
  const auto binds = ReceiversWhere([&](const Identity& i) { return i.account == account; });
  if (binds.empty()) return;
  const int limit = static_cast<int>(options_.max_queued_deliveries + options_.session.deliver_window * binds.size());
  auto due = deps_.outbox.DueProducerInbound(account, now_ms, limit);
  if (!due.ok()) {
    log::Warn(kComponent, "cannot read the inbound messages of '{}': {}", account, due.error().detail);
    return;
  }
  const size_t over = due->size() > options_.max_queued_deliveries ? due->size() - options_.max_queued_deliveries : 0;
  std::vector<store::WebhookDone> done;
  for (size_t index = 0; index < due->size(); ++index) {
    store::ProducerInboundJob& job = (*due)[index];
    if (delivering_.contains(job.event_id)) continue;
    if (!Offer(job.event_id, job.at_ms, index < over, job.attempts, binds, MakeMo(job), done)) break;
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
