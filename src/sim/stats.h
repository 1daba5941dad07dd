#pragma once
// The simulator's counters, as GET /stats shows them (docs/simulator.md). A plain value
// type owned by the simulator's I/O thread; not thread-safe.
#include <cstdint>
#include <nlohmann/json.hpp>

namespace deliverer::sim {

struct Stats {
  uint64_t binds = 0;             // successful binds
  uint64_t submits = 0;           // submit_sm received, and /send requests decided on
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
  // The HTTP carrier; its submits and receipts count in the counters above too.
  uint64_t http_submits = 0;          // /send requests decided on (or black-holed)
  uint64_t http_refused = 0;          // /send answered 401, 400 invalid_request or 503 unavailable
  uint64_t http_receipts_sent = 0;    // first posts of a receipt
  uint64_t http_receipts_acked = 0;   // receipt posts answered 2xx
  uint64_t http_receipts_unsent = 0;  // receipts due while http.dlr_url was empty
  uint64_t http_mo_sent = 0;          // MO posts answered 2xx
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
          {"malformed", s.malformed},
          {"http_submits", s.http_submits},
          {"http_refused", s.http_refused},
          {"http_receipts_sent", s.http_receipts_sent},
          {"http_receipts_acked", s.http_receipts_acked},
          {"http_receipts_unsent", s.http_receipts_unsent},
          {"http_mo_sent", s.http_mo_sent}};
}

}  // namespace deliverer::sim
