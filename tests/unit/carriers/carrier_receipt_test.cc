// An SMPP receipt becomes its CarrierReceipt the way an HTTP callback's does
// (callbacks_test.cc): one mapping of states, one carrier code, one id key.
#include "carriers/carrier_receipt.h"

#include <gtest/gtest.h>

#include "smpp/deliver_receipt.h"

namespace deliverer::carriers {
namespace {

std::vector<uint8_t> Octets(std::string_view text) { return {text.begin(), text.end()}; }

TEST(CarrierReceiptTest, FromTheTextOfADeliverSm) {
  auto receipt = deliverer::smpp::ParseReceipt(deliverer::smpp::Tlvs{}, Octets("id:6699 stat:UNDELIV err:001"));
  ASSERT_TRUE(receipt.ok());
  CarrierReceipt r = CarrierReceiptOf(*receipt, receipts::CarrierIdMatch::kDecimalToHex);
  EXPECT_EQ(r.carrier_id, "6699");
  EXPECT_EQ(r.match_key, "6699") << "receipts carry hex under decimal_to_hex";
  EXPECT_EQ(r.status, model::Status::kFailed);
  EXPECT_EQ(r.carrier_code, "UNDELIV/001");
}

TEST(CarrierReceiptTest, AStateFromTheTlvAloneIsNamedInTheCode) {
  deliverer::smpp::Tlvs tlvs;
  deliverer::smpp::AddReceiptedMessageId(tlvs, "0x1A2B");
  deliverer::smpp::AddMessageState(tlvs, uint8_t{3});
  auto receipt = deliverer::smpp::ParseReceipt(tlvs, {});
  ASSERT_TRUE(receipt.ok());
  CarrierReceipt r = CarrierReceiptOf(*receipt, receipts::CarrierIdMatch::kAuto);
  EXPECT_EQ(r.carrier_id, "0x1A2B");
  EXPECT_EQ(r.match_key, "1a2b");
  EXPECT_EQ(r.status, model::Status::kExpired);
  EXPECT_EQ(r.carrier_code, "EXPIRED");
}

TEST(CarrierReceiptTest, AnIntermediateStateLeavesTheMessageSent) {
  auto receipt = deliverer::smpp::ParseReceipt(deliverer::smpp::Tlvs{}, Octets("id:1 stat:ACCEPTD err:000"));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(CarrierReceiptOf(*receipt, receipts::CarrierIdMatch::kAuto).status, model::Status::kSent);
}

}  // namespace
}  // namespace deliverer::carriers
