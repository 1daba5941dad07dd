// The command_status table: every listed code classified, names and formatting.
#include "smpp/status.h"

#include <gtest/gtest.h>

namespace deliverer::smpp {
namespace {

constexpr auto kOk = StatusClass::kOk;
constexpr auto kT = StatusClass::kTransient;
constexpr auto kP = StatusClass::kPermanent;

struct Row {
  uint32_t status;
  std::string_view name;
  StatusClass klass;
};

// Written out independently of the table in status.h, so a changed row shows up here.
const Row kExpected[] = {
    {0x00, "ESME_ROK", kOk},
    {0x01, "ESME_RINVMSGLEN", kP},
    {0x02, "ESME_RINVCMDLEN", kP},
    {0x03, "ESME_RINVCMDID", kP},
    {0x04, "ESME_RINVBNDSTS", kT},
    {0x05, "ESME_RALYBND", kT},
    {0x06, "ESME_RINVPRTFLG", kP},
    {0x07, "ESME_RINVREGDLVFLG", kP},
    {0x08, "ESME_RSYSERR", kT},
    {0x0A, "ESME_RINVSRCADR", kP},
    {0x0B, "ESME_RINVDSTADR", kP},
    {0x0C, "ESME_RINVMSGID", kP},
    {0x0D, "ESME_RBINDFAIL", kT},
    {0x0E, "ESME_RINVPASWD", kT},
    {0x0F, "ESME_RINVSYSID", kT},
    {0x11, "ESME_RCANCELFAIL", kP},
    {0x13, "ESME_RREPLACEFAIL", kP},
    {0x14, "ESME_RMSGQFUL", kT},
    {0x15, "ESME_RINVSERTYP", kP},
    {0x33, "ESME_RINVNUMDESTS", kP},
    {0x34, "ESME_RINVDLNAME", kP},
    {0x40, "ESME_RINVDESTFLAG", kP},
    {0x42, "ESME_RINVSUBREP", kP},
    {0x43, "ESME_RINVESMCLASS", kP},
    {0x44, "ESME_RCNTSUBDL", kP},
    {0x45, "ESME_RSUBMITFAIL", kP},
    {0x48, "ESME_RINVSRCTON", kP},
    {0x49, "ESME_RINVSRCNPI", kP},
    {0x50, "ESME_RINVDSTTON", kP},
    {0x51, "ESME_RINVDSTNPI", kP},
    {0x53, "ESME_RINVSYSTYP", kT},
    {0x54, "ESME_RINVREPFLAG", kP},
    {0x55, "ESME_RINVNUMMSGS", kP},
    {0x58, "ESME_RTHROTTLED", kT},
    {0x61, "ESME_RINVSCHED", kP},
    {0x62, "ESME_RINVEXPIRY", kP},
    {0x63, "ESME_RINVDFTMSGID", kP},
    {0x64, "ESME_RX_T_APPN", kT},
    {0x65, "ESME_RX_P_APPN", kP},
    {0x66, "ESME_RX_R_APPN", kP},
    {0x67, "ESME_RQUERYFAIL", kP},
    {0xC0, "ESME_RINVOPTPARSTREAM", kP},
    {0xC1, "ESME_ROPTPARNOTALLWD", kP},
    {0xC2, "ESME_RINVPARLEN", kP},
    {0xC3, "ESME_RMISSINGOPTPARAM", kP},
    {0xC4, "ESME_RINVOPTPARAMVAL", kP},
    {0xFE, "ESME_RDELIVERYFAILURE", kT},
    {0xFF, "ESME_RUNKNOWNERR", kT},
};

TEST(StatusTable, EveryListedCodeClassifiedAndNamed) {
  for (const Row& row : kExpected) {
    SCOPED_TRACE(FormatStatus(row.status));
    EXPECT_TRUE(IsKnownStatus(row.status));
    EXPECT_EQ(StatusName(row.status), row.name);
    EXPECT_EQ(ClassifyStatus(row.status), row.klass) << ToString(ClassifyStatus(row.status));
  }
  // Every known value in 0..0x4FF is in the list above.
  size_t known = 0;
  for (uint32_t s = 0; s <= 0x4FF; ++s) known += IsKnownStatus(s) ? 1 : 0;
  EXPECT_EQ(known, std::size(kExpected));
}

// The common cases explained in docs/smpp-mapping.md "command_status → transient or permanent".
TEST(StatusTable, TheCodesDeliverySpecNames) {
  EXPECT_EQ(ClassifyStatus(kEsmeRInvDstAdr), kP);
  EXPECT_EQ(ClassifyStatus(kEsmeRInvSrcAdr), kP);
  EXPECT_EQ(ClassifyStatus(kEsmeRSubmitFail), kP);
  EXPECT_EQ(ClassifyStatus(kEsmeRSysErr), kT);
  EXPECT_EQ(ClassifyStatus(kEsmeRThrottled), kT);
  EXPECT_EQ(ClassifyStatus(kEsmeRMsgQFul), kT);
}

TEST(StatusTable, OverridesAndUnknownDefault) {
  StatusPolicy policy{.overrides = {{kEsmeRSubmitFail, kT}, {0x0400, kP}, {kEsmeROk, kP}},
                      .unknown = kT};
  EXPECT_EQ(ClassifyStatus(kEsmeRSubmitFail, policy), kT);
  EXPECT_EQ(ClassifyStatus(0x0400, policy), kP);     // vendor-specific, configured
  EXPECT_EQ(ClassifyStatus(0x0401, policy), kT);     // vendor-specific, default
  EXPECT_EQ(ClassifyStatus(kEsmeROk, policy), kOk);  // never overridden
  EXPECT_EQ(ClassifyStatus(kEsmeRInvDstAdr, policy), kP);
  policy.unknown = kP;
  EXPECT_EQ(ClassifyStatus(0x22, policy), kP);
  EXPECT_EQ(ClassifyStatus(0xDEADBEEF, policy), kP);
  EXPECT_EQ(ClassifyStatus(0x22), kT);  // R5: transient unless configured
}

TEST(StatusTable, Throttle) {
  EXPECT_TRUE(IsThrottle(0x58));
  EXPECT_TRUE(IsThrottle(0x14));
  EXPECT_FALSE(IsThrottle(0x08));
  EXPECT_FALSE(IsThrottle(0x00));
}

TEST(StatusTable, Formatting) {
  EXPECT_EQ(FormatStatus(0x0B), "0x0000000B");
  EXPECT_EQ(FormatStatus(0xFFFFFFFF), "0xFFFFFFFF");
  EXPECT_EQ(DescribeStatus(0x58), "0x00000058 ESME_RTHROTTLED");
  EXPECT_EQ(DescribeStatus(0x400), "0x00000400 (unknown)");
  EXPECT_EQ(StatusName(0x09), "");
  EXPECT_EQ(ToString(kP), "permanent");
}

}  // namespace
}  // namespace deliverer::smpp
