#include "smppd/status_map.h"

#include <array>

#include "smpp/status.h"

namespace deliverer::smppd {
namespace {

struct Row {
  std::string_view code;
  uint32_t status;
};

// docs/smpp-server.md "Status mapping" is this table.
constexpr std::array<Row, 17> kRows = {{
    {"invalid_destination", smpp::kEsmeRInvDstAdr},
    {"invalid_sender", smpp::kEsmeRInvSrcAdr},
    {"body_empty", smpp::kEsmeRInvMsgLen},
    {"body_too_long", smpp::kEsmeRInvMsgLen},
    {"content_rejected", smpp::kEsmeRSubmitFail},
    {"recipient_suppressed", smpp::kEsmeRSubmitFail},
    {"idempotency_conflict", smpp::kEsmeRSubmitFail},
    {"binary_data", kEsmeRInvDcs},
    {"invalid_encoding", kEsmeRInvDcs},
    {"udh_missing", smpp::kEsmeRInvEsmClass},
    {"udh_length", smpp::kEsmeRInvEsmClass},
    {"udh_element", smpp::kEsmeRInvEsmClass},
    {"rate_limited", smpp::kEsmeRThrottled},
    {"window_full", smpp::kEsmeRThrottled},
    {"overloaded", smpp::kEsmeRMsgQFul},
    {"parts_full", smpp::kEsmeRMsgQFul},
    {"storage_unavailable", smpp::kEsmeRSysErr},
}};

}  // namespace

uint32_t SubmitStatusFor(std::string_view code, std::string_view field) {
  for (const Row& row : kRows) {
    if (row.code == code) return row.status;
  }
  if (code == "invalid_field") {
    if (field == "ttl") return smpp::kEsmeRInvExpiry;
    if (field == "send_at") return smpp::kEsmeRInvSched;
    if (field == "to") return smpp::kEsmeRInvDstAdr;
    if (field == "from") return smpp::kEsmeRInvSrcAdr;
    if (field == "body") return smpp::kEsmeRInvMsgLen;
    if (field == "message_id") return smpp::kEsmeRInvOptParamVal;
    return smpp::kEsmeRSubmitFail;
  }
  // Whatever the pipeline did not foresee is the gateway's fault: the producer retries.
  return smpp::kEsmeRSysErr;
}

}  // namespace deliverer::smppd
