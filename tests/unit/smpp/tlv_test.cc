// TLV lists: typed accessors, tolerance of wrong lengths, order and names.
#include "smpp/tlv.h"

#include <gtest/gtest.h>

namespace deliverer::smpp {
namespace {

TEST(Tlvs, TypedAccessorsRoundTrip) {
  Tlvs tlvs;
  AddSarMsgRefNum(tlvs, uint16_t{0xBEEF});
  AddQosTimeToLive(tlvs, uint32_t{0x01020304});
  AddReceiptedMessageId(tlvs, "abc");
  AddNetworkErrorCode(tlvs, NetworkError{3, 0x0102});
  AddAlertOnMessageDelivery(tlvs);
  EXPECT_EQ(GetSarMsgRefNum(tlvs), 0xBEEF);
  EXPECT_EQ(GetQosTimeToLive(tlvs), 0x01020304u);
  EXPECT_EQ(GetReceiptedMessageId(tlvs), "abc");
  EXPECT_EQ(GetNetworkErrorCode(tlvs), (NetworkError{3, 0x0102}));
  EXPECT_TRUE(GetAlertOnMessageDelivery(tlvs));
  EXPECT_FALSE(GetItsReplyType(tlvs).has_value());
  EXPECT_EQ(tlvs.entries()[0].value, (std::vector<uint8_t>{0xBE, 0xEF}));
  EXPECT_EQ(tlvs.entries()[2].value, (std::vector<uint8_t>{'a', 'b', 'c', 0}));
}

TEST(Tlvs, WrongLengthReadsAsAbsent) {
  Tlvs tlvs{
      {tlv::kMessageState, {0, 2}}, {tlv::kSarMsgRefNum, {1}}, {tlv::kNetworkErrorCode, {3, 0}}};
  EXPECT_EQ(GetMessageState(tlvs), std::nullopt);
  EXPECT_EQ(GetSarMsgRefNum(tlvs), std::nullopt);
  EXPECT_EQ(GetNetworkErrorCode(tlvs), std::nullopt);
}

TEST(Tlvs, CStringWithoutTerminatorOrWithJunkAfterIt) {
  Tlvs tlvs{{tlv::kReceiptedMessageId, {'1', '2'}},
            {tlv::kAdditionalStatusInfoText, {'o', 'k', 0, 'x'}}};
  EXPECT_EQ(GetReceiptedMessageId(tlvs), "12");
  EXPECT_EQ(GetAdditionalStatusInfoText(tlvs), "ok");
}

TEST(Tlvs, FirstOccurrenceWinsAndOrderIsKept) {
  Tlvs tlvs;
  AddMessageState(tlvs, uint8_t{2});
  tlvs.Add(0x1454, {9});
  AddMessageState(tlvs, uint8_t{5});
  EXPECT_EQ(GetMessageState(tlvs), 2);
  ASSERT_EQ(tlvs.size(), 3u);
  EXPECT_EQ(tlvs.entries()[1].tag, 0x1454);
}

TEST(Tlvs, Names) {
  EXPECT_EQ(TlvName(0x001E), "receipted_message_id");
  EXPECT_EQ(TlvName(0x0427), "message_state");
  EXPECT_EQ(TlvName(0x0424), "message_payload");
  EXPECT_EQ(TlvName(0x1403), "");
  EXPECT_EQ(tlv::kSarSegmentSeqnum, 0x020F);
}

}  // namespace
}  // namespace deliverer::smpp
