#pragma once
// The command_status a producer's submit_sm / data_sm is answered with when it is refused
// (docs/smpp-server.md "Status mapping"): one table from the acceptance pipeline's error
// codes (api/acceptance.h, docs/api.md) and the server's own. Pure, thread-safe.
//
// The classes follow how SMPP clients act on them: a permanent refusal (the same PDU can
// never pass) gets a permanent 3.4 code; a refusal that may pass later (throttled, queue
// full, storage failing) gets 0x58, 0x14 or 0x08, which clients retry.
#include <cstdint>
#include <string_view>

namespace deliverer::smppd {

// SMPP 5.0's ESME_RINVDCS, the one code that names a data_coding the receiver cannot take.
inline constexpr uint32_t kEsmeRInvDcs = 0x00000104;

// `code` is the error's code and `field` the field it names ("" for none).
uint32_t SubmitStatusFor(std::string_view code, std::string_view field = "");

}  // namespace deliverer::smppd
