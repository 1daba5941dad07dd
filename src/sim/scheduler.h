#pragma once
// Everything the simulator does later (delayed answers, receipts, resends, ack deadlines,
// the housekeeping tick) goes through one Scheduler: a min-heap of due entries (plus a
// FIFO for those that arrive in order) behind ONE steady_timer, so no PDU ever owns a
// timer of its own. (An HTTP answer's latency waits on its connection's timer instead:
// HTTP/1.1 answers a connection's requests in order, so each connection has one.)
//
// An entry is (due time, kind, key, aux); the handler registered for its kind runs on the
// io_context's thread when it is due, in due-time order and, for equal times, in the
// order the entries were added. Entries cannot be cancelled: a handler checks whether its
// key still means anything (e.g. with a generation number in `aux`).
//
// Not thread-safe: construct, Add and run handlers on the io_context's one thread.
// Handlers may Add. Stop() cancels the timer; entries left are dropped.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

namespace deliverer::sim {

using Steady = std::chrono::steady_clock;

enum class Due : uint8_t {
  kSubmitResp,    // key: delayed answer id
  kReceipt,       // key: receipt id, aux: generation (first send after its delay)
  kAckDeadline,   // key: receipt id, aux: generation
  kResend,        // key: receipt id, aux: generation
  kHttpReceipt,   // key: HTTP receipt id (its first post after its delay, and resends)
  kTick,          // housekeeping: record flush, outages, disconnect_every_s
  kCount,
};

struct DueEntry {
  Steady::time_point at;
  uint64_t order = 0;  // ties: first added, first run
  uint64_t key = 0;
  uint32_t aux = 0;
  Due kind = Due::kTick;
};

// The pure part: entries ordered by (at, order). Thread-compatible.
// Most entries come with a fixed delay (every receipt's ack deadline is 5 s after it was
// sent), so they arrive already sorted: those go to a FIFO, which costs O(1), and only
// entries earlier than the FIFO's last go to the heap. Pop takes the earlier of the two
// heads, so the order is exactly that of a single heap.
class DueQueue {
 public:
  void Push(Steady::time_point at, Due kind, uint64_t key, uint32_t aux);
  bool empty() const { return heap_.empty() && fifo_.empty(); }
  size_t size() const { return heap_.size() + fifo_.size(); }
  // Precondition: !empty().
  const DueEntry& top() const { return FifoFirst() ? fifo_.front() : heap_.top(); }
  DueEntry Pop();

 private:
  struct Later {
    bool operator()(const DueEntry& a, const DueEntry& b) const {
      return a.at != b.at ? a.at > b.at : a.order > b.order;
    }
  };
  bool FifoFirst() const {
    return !fifo_.empty() && (heap_.empty() || Later()(heap_.top(), fifo_.front()));
  }

  std::priority_queue<DueEntry, std::vector<DueEntry>, Later> heap_;
  std::deque<DueEntry> fifo_;
  uint64_t next_order_ = 0;
};

class Scheduler {
 public:
  using Handler = std::function<void(uint64_t key, uint32_t aux)>;

  explicit Scheduler(boost::asio::io_context& io);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void SetHandler(Due kind, Handler handler);
  void Add(Steady::time_point at, Due kind, uint64_t key, uint32_t aux = 0);
  void AddAfter(std::chrono::milliseconds delay, Due kind, uint64_t key, uint32_t aux = 0) {
    Add(Steady::now() + delay, kind, key, aux);
  }
  void Stop();
  size_t pending() const { return queue_.size(); }

 private:
  void Arm();
  void OnTimer();

  boost::asio::steady_timer timer_;
  DueQueue queue_;
  std::array<Handler, static_cast<size_t>(Due::kCount)> handlers_;
  Steady::time_point armed_at_ = Steady::time_point::max();
  uint64_t generation_ = 0;  // of the wait in flight; older completions are ignored
  bool stopped_ = false;
  bool dispatching_ = false;  // inside OnTimer, which arms once at its end
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace deliverer::sim
