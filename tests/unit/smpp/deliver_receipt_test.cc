// Delivery receipts in deliver_sm: the TLVs, and the text beside them (the text form itself
// is tested in tests/unit/receipts/receipt_test.cc).
#include "smpp/deliver_receipt.h"

#include <gtest/gtest.h>

#include "receipts/carrier_id.h"
#include "unit/smpp/hex.h"

namespace deliverer::smpp {
namespace {

using State = receipts::MessageState;
using testing::Bytes;

constexpr receipts::ReceiptTime kDone{2025, 1, 2, 12, 35, 0};

TEST(ReceiptTlv, TlvsOnly) {
  Tlvs tlvs;
  AddReceiptedMessageId(tlvs, "1A2B");
  AddMessageState(tlvs, uint8_t{3});
  AddNetworkErrorCode(tlvs, NetworkError{3, 0x0001});
  auto receipt = ParseReceipt(tlvs, {});
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "1A2B");
  EXPECT_EQ(receipt->text_id, "");
  EXPECT_EQ(receipt->state, State::kExpired);
  EXPECT_TRUE(receipt->state_from_tlv);
  EXPECT_EQ(receipt->network_error, (NetworkError{3, 1}));
}

TEST(ReceiptTlv, TlvWinsOverTextAndTextFillsTheRest) {
  Tlvs tlvs;
  AddReceiptedMessageId(tlvs, "1A2B");
  AddMessageState(tlvs, uint8_t{8});
  std::vector<uint8_t> text = Bytes(
      "id:6699 sub:001 dlvrd:000 submit date:2501021234 done date:2501021235 stat:DELIVRD "
      "err:000 text:");
  auto receipt = ParseReceipt(tlvs, text);
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "1A2B");
  EXPECT_EQ(receipt->text_id, "6699");
  EXPECT_EQ(receipt->state, State::kRejected);
  EXPECT_EQ(receipt->stat, "DELIVRD");
  EXPECT_EQ(receipt->done_date, kDone);
  EXPECT_TRUE(receipts::SameCarrierId(receipt->text_id, receipt->message_id, receipts::CarrierIdMatch::kAuto));
}

TEST(ReceiptTlv, OutOfRangeStateFallsBackToText) {
  Tlvs tlvs;
  AddMessageState(tlvs, uint8_t{9});  // SMPP 5.0 SKIPPED: not a 3.4 state
  auto receipt = ParseReceipt(tlvs, Bytes("id:1 stat:DELIVRD"));
  EXPECT_EQ(receipt->state, State::kDelivered);
  EXPECT_FALSE(receipt->state_from_tlv);
}

TEST(ReceiptTlv, BlankTlvIdFallsBackToText) {
  Tlvs tlvs;
  AddReceiptedMessageId(tlvs, "");
  auto receipt = ParseReceipt(tlvs, Bytes("id:77 stat:DELIVRD"));
  EXPECT_EQ(receipt->message_id, "77");
}

TEST(ReceiptDeliverSm, TextFromMessagePayload) {
  DeliverSm sm;
  sm.esm_class = 0x04;
  AddMessagePayload(sm.tlvs, std::span<const uint8_t>(Bytes("id:31 stat:EXPIRED err:000")));
  ASSERT_TRUE(IsReceipt(sm.esm_class));
  auto receipt = ParseReceipt(sm);
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "31");
  EXPECT_EQ(receipt->state, State::kExpired);
}

TEST(ReceiptDeliverSm, IsReceiptReadsTheMessageTypeBits) {
  EXPECT_TRUE(IsReceipt(0x04));
  EXPECT_TRUE(IsReceipt(0x20));  // intermediate delivery notification
  EXPECT_TRUE(IsReceipt(0x44));  // with UDHI
  EXPECT_FALSE(IsReceipt(0x00));
  EXPECT_FALSE(IsReceipt(0x40));
  EXPECT_FALSE(IsReceipt(0x08));  // SME delivery acknowledgement
}

TEST(ReceiptDeliverSm, TextAloneGivesTheTextsIdAndState) {
  auto receipt = ParseReceipt(Tlvs{}, Bytes("id:0123456789 sub:001 dlvrd:001 stat:DELIVRD err:000 text:hi"));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "0123456789");
  EXPECT_EQ(receipt->text_id, "0123456789");
  EXPECT_EQ(receipt->state, State::kDelivered);
  EXPECT_FALSE(receipt->state_from_tlv);
  EXPECT_EQ(receipt->network_error, std::nullopt);
  EXPECT_EQ(static_cast<const receipts::Receipt&>(*receipt),
            *receipts::ParseReceiptText("id:0123456789 sub:001 dlvrd:001 stat:DELIVRD err:000 text:hi"))
      << "the same receipt as the text alone reads";
}

TEST(ReceiptDeliverSm, NoIdAnywhereIsAnError) {
  Tlvs tlvs;
  AddMessageState(tlvs, uint8_t{2});
  auto receipt = ParseReceipt(tlvs, Bytes("stat:DELIVRD"));
  ASSERT_FALSE(receipt.ok());
  EXPECT_EQ(receipt.error().code, "receipt_no_id");
}

TEST(ReceiptDeliverSm, ATlvIdThatIsNotUtf8IsMadeSafe) {
  Tlvs tlvs;
  AddReceiptedMessageId(tlvs, "1A\xFF");
  auto receipt = ParseReceipt(tlvs, {});
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "1A\uFFFD");
}

}  // namespace
}  // namespace deliverer::smpp
