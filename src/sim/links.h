#pragma once
// The simulator's SMPP connections ("links") and which of them can take deliver_sm:
// receiver and transceiver binds, found per system_id in round-robin order.
//
// Ownership: the table shares each Link with the coroutine serving it; a Link removed
// from the table stays valid while that coroutine holds it. Not thread-safe: the
// simulator's one I/O thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/scheduler.h"
#include "smpp/net/channel.h"

namespace deliverer::sim {

enum class BindKind : uint8_t { kNone, kTransmitter, kReceiver, kTransceiver };

// A deliver_sm the simulator sent and awaits the deliver_sm_resp of.
struct Outstanding {
  bool receipt = false;  // false: an MO
  uint64_t receipt_id = 0;
};

struct Link {
  uint64_t id = 0;  // from 1; the "bind" of the record
  std::shared_ptr<smpp::net::Channel> channel;
  BindKind bind = BindKind::kNone;
  std::string system_id;
  Steady::time_point bound_at{};
  uint64_t pdus_received = 0;
  uint32_t last_seq = 0;  // of the PDUs the simulator sends
  bool closing = false;   // dropped or unbound: later PDUs are ignored
  std::unordered_map<uint32_t, Outstanding> outstanding;

  bool CanReceive() const { return bind == BindKind::kReceiver || bind == BindKind::kTransceiver; }
  bool CanTransmit() const {
    return bind == BindKind::kTransmitter || bind == BindKind::kTransceiver;
  }
  bool Usable() const { return !closing && channel && channel->open(); }
  uint32_t NextSeq();
};

class LinkTable {
 public:
  std::shared_ptr<Link> Add(std::shared_ptr<smpp::net::Channel> channel);
  Link* Find(uint64_t id);
  void Remove(uint64_t id);
  // Call once the link is bound; a receiver-capable link joins its system_id's rotation.
  void Bound(Link& link);

  // The next usable receiver-capable link of `system_id`, or nullptr.
  Link* NextReceiver(std::string_view system_id);
  // The next usable receiver-capable link of any system_id, or nullptr.
  Link* NextAnyReceiver();

  size_t size() const { return links_.size(); }
  size_t bound() const;
  // Every link, in no particular order; `fn` must not Add or Remove.
  template <class F>
  void ForEach(F&& fn) {
    for (auto& [id, link] : links_) fn(*link);
  }
  // The links, copied, for callers that close them (closing may remove).
  std::vector<std::shared_ptr<Link>> Snapshot() const;

 private:
  struct Rotation {
    std::vector<uint64_t> ids;
    size_t next = 0;
  };
  Link* Next(Rotation& rotation);
  static void Erase(Rotation& rotation, uint64_t id);

  std::unordered_map<uint64_t, std::shared_ptr<Link>> links_;
  std::unordered_map<std::string, Rotation> receivers_;
  Rotation all_receivers_;
  uint64_t next_id_ = 1;
};

}  // namespace deliverer::sim
