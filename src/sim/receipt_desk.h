#pragma once
// Receipts between "decided" and "acknowledged": which bind each goes out on, waiting for
// a receiver to bind, deliver_sm_resp matching, and resending (docs/simulator.md
// "SMPP behaviour").
//
// A receipt goes out on the bind that submitted its message when that bind can receive,
// else on the next receiver-capable bind of the same system_id; with none bound it waits
// for one. An answer other than ESME_ROK, or none within kAckTimeout, sends it again
// kResendDelay later, up to receipts.max_resends times. A receipt outstanding on a link
// that closes is sent again at once on another.
//
// Not thread-safe: the simulator's I/O thread. Holds references to the link table, the
// scheduler, the counters and the live config, which must outlive it.
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/config.h"
#include "sim/links.h"
#include "sim/scheduler.h"
#include "sim/stats.h"

namespace deliverer::sim {

class ReceiptDesk {
 public:
  static constexpr std::chrono::milliseconds kAckTimeout{5000};
  static constexpr std::chrono::milliseconds kResendDelay{1000};

  // Registers its handlers for Due::kReceipt, kAckDeadline and kResend.
  ReceiptDesk(LinkTable& links, Scheduler& scheduler, Stats& stats, const SimConfig& config);

  // Keeps an encoded deliver_sm (its sequence number is set per send); returns its id.
  uint64_t Create(std::vector<uint8_t> wire, std::string system_id, uint64_t origin_link);
  void SendNow(uint64_t id);
  void SendAfter(uint64_t id, std::chrono::milliseconds delay);

  // A deliver_sm_resp or generic_nack for `seq` on `link`; false when `seq` is no receipt.
  bool OnAnswer(Link& link, uint32_t seq, uint32_t status);
  // Before `link` leaves the table: its unanswered receipts go out again elsewhere.
  void OnLinkClosing(Link& link);
  // `link` just bound as a receiver or transceiver: receipts waiting for it go out.
  void OnReceiverBound(Link& link);

  size_t pending() const { return receipts_.size(); }
  void Clear();

 private:
  struct Pending {
    std::vector<uint8_t> wire;
    std::string system_id;
    uint64_t origin_link = 0;
    uint64_t link = 0;  // outstanding there; 0 when not
    uint32_t seq = 0;
    uint32_t generation = 0;
    uint32_t sends = 0;
  };

  void Dispatch(uint64_t id, Pending& receipt);
  void Transmit(Link& link, uint64_t id, Pending& receipt);
  void Retry(uint64_t id, Pending& receipt, std::chrono::milliseconds delay);
  Link* RouteFor(const Pending& receipt);
  Pending* Current(uint64_t id, uint32_t generation);

  void OnDue(uint64_t id, uint32_t generation);
  void OnAckDeadline(uint64_t id, uint32_t generation);

  LinkTable& links_;
  Scheduler& scheduler_;
  Stats& stats_;
  const SimConfig& config_;
  std::unordered_map<uint64_t, Pending> receipts_;
  std::unordered_map<std::string, std::deque<uint64_t>> waiting_;  // by system_id
  uint64_t next_id_ = 1;
};

}  // namespace deliverer::sim
