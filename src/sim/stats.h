#pragma once
// The simulator's counters, as GET /stats shows them (docs/simulator.md). A plain value
// type owned by the simulator's I/O thread; not thread-safe.
#include <cstdint>
#include <nlohmann/json.hpp>

namespace deliverer::sim {

struct Stats {
  uint64_t binds = 0;             // successful binds
  uint64_t submits = 0;           // submit_sm received
  uint64_t accepted = 0;          // answered ESME_ROK
  uint64_t transient_errors = 0;  // answered from submit.transient_codes
  uint64_t permanent_errors = 0;  // answered submit.permanent_code
  uint64_t throttled = 0;         // answered 0x58 for submit.max_tps
  uint64_t receipts_sent = 0;     // first transmissions (a duplicate counts as its own receipt)
  uint64_t receipts_acked = 0;    // deliver_sm_resp ESME_ROK
  uint64_t receipts_resent = 0;   // retransmissions after a nack, a missing answer or a drop
  uint64_t receipt_nacks = 0;     // deliver_sm_resp with an error, or generic_nack
  uint64_t receipts_abandoned = 0;  // given up after receipts.max_resends
  uint64_t mo_sent = 0;           // MO deliver_sm written
  uint64_t disconnects = 0;       // connections the simulator dropped
  uint64_t malformed = 0;         // PDUs answered generic_nack, and broken framing
};

inline nlohmann::json ToJson(const Stats& s) {
  return {{"binds", s.binds},
          {"submits", s.submits},
          {"accepted", s.accepted},
          {"transient_errors", s.transient_errors},
          {"permanent_errors", s.permanent_errors},
          {"throttled", s.throttled},
          {"receipts_sent", s.receipts_sent},
          {"receipts_acked", s.receipts_acked},
          {"receipts_resent", s.receipts_resent},
          {"receipt_nacks", s.receipt_nacks},
          {"receipts_abandoned", s.receipts_abandoned},
          {"mo_sent", s.mo_sent},
          {"disconnects", s.disconnects},
          {"malformed", s.malformed}};
}

}  // namespace deliverer::sim
