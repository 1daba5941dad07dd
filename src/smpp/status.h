#pragma once
// SMPP command_status values: names for logs and the ONE table deciding whether a
// failed submit is worth retrying (docs/smpp-mapping.md "command_status → transient or
// permanent", docs/reliability.md R5).
// Pure, thread-safe.
//
// Classification reads as "what should happen to the message that got this answer":
//   kTransient  retry later (same or next carrier), within TTL and the retry budget;
//   kPermanent  the message fails; resending the same PDU cannot succeed.
// Bind-level errors (bad credentials, wrong bind state) are transient for the message:
// the bind is the problem, and the connector alerts about it.
// Values not in the table (vendor-specific 0x400–0x4FF, SMPP 5.0 codes, garbage) get
// StatusPolicy::unknown, transient unless configured (R5).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deliverer::smpp {

enum class StatusClass : uint8_t { kOk, kTransient, kPermanent };

// S(Name, value, "ESME_NAME", StatusClass). The rows for 0x0A, 0x0B, 0x45 (permanent) and
// 0x08, 0x14, 0x58 (transient) are the common cases docs/smpp-mapping.md explains; the rest
// follow the same rule.
#define DELIVERER_SMPP_STATUSES(S)                                     \
  S(ROk, 0x00000000, "ESME_ROK", kOk)                                  \
  S(RInvMsgLen, 0x00000001, "ESME_RINVMSGLEN", kPermanent)             \
  S(RInvCmdLen, 0x00000002, "ESME_RINVCMDLEN", kPermanent)             \
  S(RInvCmdId, 0x00000003, "ESME_RINVCMDID", kPermanent)               \
  S(RInvBndSts, 0x00000004, "ESME_RINVBNDSTS", kTransient)             \
  S(RAlyBnd, 0x00000005, "ESME_RALYBND", kTransient)                   \
  S(RInvPrtFlg, 0x00000006, "ESME_RINVPRTFLG", kPermanent)             \
  S(RInvRegDlvFlg, 0x00000007, "ESME_RINVREGDLVFLG", kPermanent)       \
  S(RSysErr, 0x00000008, "ESME_RSYSERR", kTransient)                   \
  S(RInvSrcAdr, 0x0000000A, "ESME_RINVSRCADR", kPermanent)             \
  S(RInvDstAdr, 0x0000000B, "ESME_RINVDSTADR", kPermanent)             \
  S(RInvMsgId, 0x0000000C, "ESME_RINVMSGID", kPermanent)               \
  S(RBindFail, 0x0000000D, "ESME_RBINDFAIL", kTransient)               \
  S(RInvPaswd, 0x0000000E, "ESME_RINVPASWD", kTransient)               \
  S(RInvSysId, 0x0000000F, "ESME_RINVSYSID", kTransient)               \
  S(RCancelFail, 0x00000011, "ESME_RCANCELFAIL", kPermanent)           \
  S(RReplaceFail, 0x00000013, "ESME_RREPLACEFAIL", kPermanent)         \
  S(RMsgQFul, 0x00000014, "ESME_RMSGQFUL", kTransient)                 \
  S(RInvSerTyp, 0x00000015, "ESME_RINVSERTYP", kPermanent)             \
  S(RInvNumDests, 0x00000033, "ESME_RINVNUMDESTS", kPermanent)         \
  S(RInvDlName, 0x00000034, "ESME_RINVDLNAME", kPermanent)             \
  S(RInvDestFlag, 0x00000040, "ESME_RINVDESTFLAG", kPermanent)         \
  S(RInvSubRep, 0x00000042, "ESME_RINVSUBREP", kPermanent)             \
  S(RInvEsmClass, 0x00000043, "ESME_RINVESMCLASS", kPermanent)         \
  S(RCntSubDl, 0x00000044, "ESME_RCNTSUBDL", kPermanent)               \
  S(RSubmitFail, 0x00000045, "ESME_RSUBMITFAIL", kPermanent)           \
  S(RInvSrcTon, 0x00000048, "ESME_RINVSRCTON", kPermanent)             \
  S(RInvSrcNpi, 0x00000049, "ESME_RINVSRCNPI", kPermanent)             \
  S(RInvDstTon, 0x00000050, "ESME_RINVDSTTON", kPermanent)             \
  S(RInvDstNpi, 0x00000051, "ESME_RINVDSTNPI", kPermanent)             \
  S(RInvSysTyp, 0x00000053, "ESME_RINVSYSTYP", kTransient)             \
  S(RInvRepFlag, 0x00000054, "ESME_RINVREPFLAG", kPermanent)           \
  S(RInvNumMsgs, 0x00000055, "ESME_RINVNUMMSGS", kPermanent)           \
  S(RThrottled, 0x00000058, "ESME_RTHROTTLED", kTransient)             \
  S(RInvSched, 0x00000061, "ESME_RINVSCHED", kPermanent)               \
  S(RInvExpiry, 0x00000062, "ESME_RINVEXPIRY", kPermanent)             \
  S(RInvDftMsgId, 0x00000063, "ESME_RINVDFTMSGID", kPermanent)         \
  S(RxTAppn, 0x00000064, "ESME_RX_T_APPN", kTransient)                 \
  S(RxPAppn, 0x00000065, "ESME_RX_P_APPN", kPermanent)                 \
  S(RxRAppn, 0x00000066, "ESME_RX_R_APPN", kPermanent)                 \
  S(RQueryFail, 0x00000067, "ESME_RQUERYFAIL", kPermanent)             \
  S(RInvOptParStream, 0x000000C0, "ESME_RINVOPTPARSTREAM", kPermanent) \
  S(ROptParNotAllwd, 0x000000C1, "ESME_ROPTPARNOTALLWD", kPermanent)   \
  S(RInvParLen, 0x000000C2, "ESME_RINVPARLEN", kPermanent)             \
  S(RMissingOptParam, 0x000000C3, "ESME_RMISSINGOPTPARAM", kPermanent) \
  S(RInvOptParamVal, 0x000000C4, "ESME_RINVOPTPARAMVAL", kPermanent)   \
  S(RDeliveryFailure, 0x000000FE, "ESME_RDELIVERYFAILURE", kTransient) \
  S(RUnknownErr, 0x000000FF, "ESME_RUNKNOWNERR", kTransient)

// Constants kEsmeROk, kEsmeRInvDstAdr, kEsmeRThrottled, kEsmeRxTAppn, ...
#define DELIVERER_SMPP_STATUS_CONSTANT(Name, value, text, klass) \
  inline constexpr uint32_t kEsme##Name = value;
DELIVERER_SMPP_STATUSES(DELIVERER_SMPP_STATUS_CONSTANT)
#undef DELIVERER_SMPP_STATUS_CONSTANT

// Per-carrier adjustments of the table, e.g. {{kEsmeRSubmitFail, kTransient}} for a
// carrier that uses 0x45 for congestion. Overrides of ESME_ROK are ignored.
struct StatusPolicy {
  std::vector<std::pair<uint32_t, StatusClass>> overrides;
  StatusClass unknown = StatusClass::kTransient;
};

// ESME_ROK is always kOk.
StatusClass ClassifyStatus(uint32_t status, const StatusPolicy& policy = {});
// True when the table lists `status`.
bool IsKnownStatus(uint32_t status);
// 0x58 ESME_RTHROTTLED and 0x14 ESME_RMSGQFUL: slow the bind down, retry without
// spending the permanent-failure budget.
bool IsThrottle(uint32_t status);

// "ESME_RINVDSTADR"; "" when unknown.
std::string_view StatusName(uint32_t status);
// "0x0000000B".
std::string FormatStatus(uint32_t status);
// "0x0000000B ESME_RINVDSTADR", or "0x00000022 (unknown)"; for logs.
std::string DescribeStatus(uint32_t status);
std::string_view ToString(StatusClass klass);

}  // namespace deliverer::smpp
