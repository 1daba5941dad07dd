#include "sim/receipt_desk.h"

namespace deliverer::sim {
namespace {

void PatchSequence(std::vector<uint8_t>& wire, uint32_t seq) {
  wire[12] = static_cast<uint8_t>(seq >> 24);
  wire[13] = static_cast<uint8_t>(seq >> 16);
  wire[14] = static_cast<uint8_t>(seq >> 8);
  wire[15] = static_cast<uint8_t>(seq);
}

}  // namespace

ReceiptDesk::ReceiptDesk(LinkTable& links, Scheduler& scheduler, Stats& stats,
                         const SimConfig& config)
    : links_(links), scheduler_(scheduler), stats_(stats), config_(config) {
  scheduler_.SetHandler(Due::kReceipt, [this](uint64_t id, uint32_t gen) { OnDue(id, gen); });
  scheduler_.SetHandler(Due::kResend, [this](uint64_t id, uint32_t gen) { OnDue(id, gen); });
  scheduler_.SetHandler(Due::kAckDeadline,
                        [this](uint64_t id, uint32_t gen) { OnAckDeadline(id, gen); });
}

uint64_t ReceiptDesk::Create(std::vector<uint8_t> wire, std::string system_id,
                             uint64_t origin_link) {
  const uint64_t id = next_id_++;
  Pending& r = receipts_[id];
  r.wire = std::move(wire);
  r.system_id = std::move(system_id);
  r.origin_link = origin_link;
  return id;
}

void ReceiptDesk::SendNow(uint64_t id) {
  auto it = receipts_.find(id);
  if (it != receipts_.end()) Dispatch(id, it->second);
}

void ReceiptDesk::SendAfter(uint64_t id, std::chrono::milliseconds delay) {
  auto it = receipts_.find(id);
  if (it != receipts_.end()) scheduler_.AddAfter(delay, Due::kReceipt, id, it->second.generation);
}

bool ReceiptDesk::OnAnswer(Link& link, uint32_t seq, uint32_t status) {
  auto out = link.outstanding.find(seq);
  if (out == link.outstanding.end()) return false;
  const Outstanding o = out->second;
  link.outstanding.erase(out);
  if (!o.receipt) return true;
  auto it = receipts_.find(o.receipt_id);
  if (it == receipts_.end()) return true;
  it->second.link = 0;
  if (status == 0) {
    ++stats_.receipts_acked;
    receipts_.erase(it);
  } else {
    ++stats_.receipt_nacks;
    Retry(o.receipt_id, it->second, kResendDelay);
  }
  return true;
}

void ReceiptDesk::OnLinkClosing(Link& link) {
  for (const auto& [seq, o] : link.outstanding) {
    auto it = receipts_.find(o.receipt_id);
    if (!o.receipt || it == receipts_.end()) continue;
    it->second.link = 0;
    Retry(o.receipt_id, it->second, std::chrono::milliseconds(0));
  }
  link.outstanding.clear();
}

void ReceiptDesk::OnReceiverBound(Link& link) {
  auto it = waiting_.find(link.system_id);
  if (it == waiting_.end()) return;
  std::deque<uint64_t> ids = std::move(it->second);
  waiting_.erase(it);
  for (uint64_t id : ids) SendNow(id);
}

void ReceiptDesk::Clear() {
  receipts_.clear();
  waiting_.clear();
}

void ReceiptDesk::Dispatch(uint64_t id, Pending& receipt) {
  if (Link* link = RouteFor(receipt)) {
    Transmit(*link, id, receipt);
  } else {
    waiting_[receipt.system_id].push_back(id);
  }
}

Link* ReceiptDesk::RouteFor(const Pending& receipt) {
  Link* origin = links_.Find(receipt.origin_link);
  if (origin && origin->Usable() && origin->CanReceive()) return origin;
  return links_.NextReceiver(receipt.system_id);
}

void ReceiptDesk::Transmit(Link& link, uint64_t id, Pending& receipt) {
  const uint32_t seq = link.NextSeq();
  PatchSequence(receipt.wire, seq);
  link.channel->SendRaw(receipt.wire);
  link.outstanding[seq] = Outstanding{true, id};
  receipt.link = link.id;
  receipt.seq = seq;
  ++receipt.generation;
  ++(receipt.sends == 0 ? stats_.receipts_sent : stats_.receipts_resent);
  ++receipt.sends;
  scheduler_.AddAfter(kAckTimeout, Due::kAckDeadline, id, receipt.generation);
}

void ReceiptDesk::Retry(uint64_t id, Pending& receipt, std::chrono::milliseconds delay) {
  if (receipt.sends > config_.receipts.max_resends) {
    ++stats_.receipts_abandoned;
    receipts_.erase(id);
    return;
  }
  ++receipt.generation;
  if (delay.count() == 0) {
    Dispatch(id, receipt);
  } else {
    scheduler_.AddAfter(delay, Due::kResend, id, receipt.generation);
  }
}

ReceiptDesk::Pending* ReceiptDesk::Current(uint64_t id, uint32_t generation) {
  auto it = receipts_.find(id);
  if (it == receipts_.end() || it->second.generation != generation) return nullptr;
  return &it->second;
}

void ReceiptDesk::OnDue(uint64_t id, uint32_t generation) {
  Pending* receipt = Current(id, generation);
  if (receipt && receipt->link == 0) Dispatch(id, *receipt);
}

void ReceiptDesk::OnAckDeadline(uint64_t id, uint32_t generation) {
  Pending* receipt = Current(id, generation);
  if (!receipt || receipt->link == 0) return;
  if (Link* link = links_.Find(receipt->link)) link->outstanding.erase(receipt->seq);
  receipt->link = 0;
  Retry(id, *receipt, kResendDelay);
}

}  // namespace deliverer::sim
