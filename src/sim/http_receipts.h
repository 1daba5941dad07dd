#pragma once
// Receipts of HTTP submits between "decided" and "acknowledged" (docs/simulator.md "HTTP
// carrier"): each is POSTed to http.dlr_url through the HttpPoster; an answer outside 2xx,
// or none, posts it again after a backoff of kFirstRetry doubling up to kMaxRetry, up to
// receipts.max_resends times. With no dlr_url when it falls due, a receipt is counted in
// http_receipts_unsent and forgotten.
//
// Not thread-safe: the simulator's I/O thread. Holds references to the poster, the
// scheduler, the counters and the live config, which must outlive it.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "httpc/connection.h"
#include "sim/config.h"
#include "sim/http_poster.h"
#include "sim/scheduler.h"
#include "sim/stats.h"

namespace deliverer::sim {

class HttpReceiptDesk {
 public:
  static constexpr std::chrono::milliseconds kFirstRetry{200};
  static constexpr std::chrono::milliseconds kMaxRetry{5000};

  // Registers its handler for Due::kHttpReceipt.
  HttpReceiptDesk(HttpPoster& poster, Scheduler& scheduler, Stats& stats,
                  const SimConfig& config);

  // Keeps a receipt body; returns its id.
  uint64_t Create(std::string body);
  void SendNow(uint64_t id);
  void SendAfter(uint64_t id, std::chrono::milliseconds delay);
  // Posts now, on a connection of its own, and completes once the post is answered or has
  // failed (a failure is then retried as usual): how an early receipt goes out before the
  // answer to its submit.
  boost::asio::awaitable<void> SendAwaited(uint64_t id);

  // Waiting for their time, queued, in flight or waiting to be posted again.
  size_t pending() const { return receipts_.size(); }
  void Clear() { receipts_.clear(); }

  // The wait before resend number `resend` (from 1).
  static std::chrono::milliseconds Backoff(uint32_t resend);

 private:
  struct Pending {
    std::string body;
    uint32_t sends = 0;
  };

  void Dispatch(uint64_t id);
  // Counts a transmission of `receipt`.
  void CountSend(Pending& receipt);
  void OnOutcome(uint64_t id, const httpc::Outcome& outcome);

  HttpPoster& poster_;
  Scheduler& scheduler_;
  Stats& stats_;
  const SimConfig& config_;
  std::unordered_map<uint64_t, Pending> receipts_;
  uint64_t next_id_ = 1;
};

}  // namespace deliverer::sim
