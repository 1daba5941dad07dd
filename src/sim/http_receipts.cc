#include "sim/http_receipts.h"

#include <algorithm>

#include "common/log.h"

namespace deliverer::sim {

HttpReceiptDesk::HttpReceiptDesk(HttpPoster& poster, Scheduler& scheduler, Stats& stats,
                                 const SimConfig& config)
    : poster_(poster), scheduler_(scheduler), stats_(stats), config_(config) {
  scheduler_.SetHandler(Due::kHttpReceipt, [this](uint64_t id, uint32_t) { Dispatch(id); });
}

uint64_t HttpReceiptDesk::Create(std::string body) {
  const uint64_t id = next_id_++;
  receipts_[id].body = std::move(body);
  return id;
}

void HttpReceiptDesk::SendNow(uint64_t id) { Dispatch(id); }

void HttpReceiptDesk::SendAfter(uint64_t id, std::chrono::milliseconds delay) {
  scheduler_.AddAfter(delay, Due::kHttpReceipt, id);
}

std::chrono::milliseconds HttpReceiptDesk::Backoff(uint32_t resend) {
  const uint32_t doublings = std::min<uint32_t>(resend > 0 ? resend - 1 : 0, 16);
  return std::min(kMaxRetry, kFirstRetry * (int64_t{1} << doublings));
}

void HttpReceiptDesk::Dispatch(uint64_t id) {
  auto it = receipts_.find(id);
  if (it == receipts_.end()) return;
  // The body stays here for a resend; the poster gets a copy.
  const bool queued =
      poster_.Post(it->second.body, [this, id](const httpc::Outcome& o) { OnOutcome(id, o); });
  if (!queued) {
    ++stats_.http_receipts_unsent;
    receipts_.erase(it);
    return;
  }
  CountSend(it->second);
}

boost::asio::awaitable<void> HttpReceiptDesk::SendAwaited(uint64_t id) {
  auto it = receipts_.find(id);
  if (it == receipts_.end()) co_return;
  if (!poster_.has_url()) {
    ++stats_.http_receipts_unsent;
    receipts_.erase(it);
    co_return;
  }
  CountSend(it->second);
  const httpc::Outcome outcome = co_await poster_.PostNow(it->second.body);
  OnOutcome(id, outcome);  // it may be gone by now (Clear): OnOutcome looks it up again
}

void HttpReceiptDesk::CountSend(Pending& receipt) {
  ++(receipt.sends == 0 ? stats_.receipts_sent : stats_.receipts_resent);
  if (receipt.sends == 0) ++stats_.http_receipts_sent;
  ++receipt.sends;
}

void HttpReceiptDesk::OnOutcome(uint64_t id, const httpc::Outcome& outcome) {
  auto it = receipts_.find(id);
  if (it == receipts_.end()) return;
  if (outcome.ok()) {
    ++stats_.receipts_acked;
    ++stats_.http_receipts_acked;
    receipts_.erase(it);
    return;
  }
  ++stats_.receipt_nacks;
  if (log::Enabled(log::Level::kDebug)) {
    log::Write(log::Level::kDebug, "sim", {},
               fmt::format("http receipt {}: status {} {}", id, outcome.status, outcome.error));
  }
  if (it->second.sends > config_.receipts.max_resends) {
    ++stats_.receipts_abandoned;
    receipts_.erase(it);
    return;
  }
  scheduler_.AddAfter(Backoff(it->second.sends), Due::kHttpReceipt, id);
}

}  // namespace deliverer::sim
