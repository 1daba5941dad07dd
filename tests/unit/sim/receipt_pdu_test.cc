// The simulator's receipts read back by the gateway's own parsers (smpp/deliver_receipt.h,
// receipts/receipt.h, receipts/carrier_id.h), so the two sides cannot drift apart.
#include "sim/receipt_pdu.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "receipts/carrier_id.h"
#include "receipts/receipt.h"
#include "smpp/codec.h"
#include "smpp/deliver_receipt.h"

namespace deliverer::sim {
namespace {

constexpr int64_t kSubmitMs = 1'735'821'240'000;  // 2025-01-02T12:34:00Z
constexpr int64_t kDoneMs = kSubmitMs + 61'000;   // 12:35:01

size_t Outcome(std::string_view stat) {
  for (size_t i = 0; i < kReceiptStats.size(); ++i) {
    if (kReceiptStats[i] == stat) return i;
  }
  return 0;
}

smpp::SubmitSm Submit() {
  smpp::SubmitSm s;
  s.source_addr_ton = 5;
  s.source_addr = "Acme";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "447700900123";
  s.registered_delivery = 1;
  return s;
}

TEST(SimReceiptTextTest, HasTheAppendixBForm) {
  const std::string text =
      ReceiptText({"1A2B3C4D", Outcome("DELIVRD"), kSubmitMs, kDoneMs, "Your code is 123456, valid 5 min"});
  EXPECT_EQ(text,
            "id:1A2B3C4D sub:001 dlvrd:001 submit date:2501021234 done date:2501021235 "
            "stat:DELIVRD err:000 text:Your code is 123456,");
}

TEST(SimReceiptTextTest, RoundTripsThroughTheGatewayParser) {
  for (size_t outcome = 0; outcome < kReceiptStats.size(); ++outcome) {
    const std::string text = ReceiptText({"00FF", outcome, kSubmitMs, kDoneMs, "hi"});
    auto parsed = receipts::ParseReceiptText(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(parsed->message_id, "00FF");
    EXPECT_EQ(parsed->stat, kReceiptStats[outcome]);
    EXPECT_EQ(static_cast<uint8_t>(parsed->state), MessageStateOf(outcome)) << text;
    EXPECT_EQ(parsed->submit_date, (receipts::ReceiptTime{2025, 1, 2, 12, 34, 0}));
    EXPECT_EQ(parsed->done_date, (receipts::ReceiptTime{2025, 1, 2, 12, 35, 0}));
    EXPECT_EQ(parsed->err, fmt::format("{:03}", ErrorCodeOf(outcome)));
    EXPECT_EQ(parsed->text, "hi");
  }
}

TEST(SimReceiptTextTest, QuotesTwentyCharactersAsPrintableAscii) {
  const std::string text = ReceiptText({"1", 0, kSubmitMs, kDoneMs, "h\xC3\xA9llo\nw\xF0\x9F\x98\x80rld and more text"});
  EXPECT_EQ(text.substr(text.find("text:") + 5), "h?llo?w?rld and more");
}

TEST(SimMakeReceiptTest, SwapsAddressesAndCarriesTlvs) {
  const smpp::DeliverSm d =
      MakeReceipt(Submit(), {"1A2B", Outcome("UNDELIV"), kSubmitMs, kDoneMs, "hello"});
  EXPECT_EQ(d.esm_class, kEsmClassReceipt);
  EXPECT_EQ(d.source_addr, "447700900123");
  EXPECT_EQ(d.source_addr_ton, 1);
  EXPECT_EQ(d.destination_addr, "Acme");
  EXPECT_EQ(d.dest_addr_ton, 5);
  EXPECT_TRUE(smpp::IsReceipt(d.esm_class));
  auto parsed = smpp::ParseReceipt(d);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message_id, "1A2B");
  EXPECT_EQ(parsed->text_id, "1A2B");
  EXPECT_TRUE(parsed->state_from_tlv);
  EXPECT_EQ(parsed->state, receipts::MessageState::kUndeliverable);
  ASSERT_TRUE(parsed->network_error.has_value());
  EXPECT_EQ(parsed->network_error->network_type, 3);
  EXPECT_EQ(parsed->network_error->error_code, ErrorCodeOf(Outcome("UNDELIV")));
}

TEST(SimMakeReceiptTest, DeliveredHasNoNetworkError) {
  const smpp::DeliverSm d = MakeReceipt(Submit(), {"7", 0, kSubmitMs, kDoneMs, ""});
  EXPECT_FALSE(smpp::GetNetworkErrorCode(d.tlvs).has_value());
  EXPECT_EQ(smpp::GetMessageState(d.tlvs), 2);
}

TEST(SimMakeReceiptTest, EncodesAndDecodesUnchanged) {
  const smpp::Pdu pdu = smpp::MakePdu(MakeReceipt(Submit(), {"ABCDEF0123456789", 3, kSubmitMs, kDoneMs, "x"}), 7);
  ASSERT_TRUE(smpp::Validate(pdu).ok());
  const std::vector<uint8_t> wire = smpp::Encode(pdu);
  auto decoded = smpp::Decode(wire);
  auto* ok = std::get_if<smpp::Decoded>(&decoded);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->pdu.body, pdu.body);
}

TEST(SimCarrierIdTest, SubmitRespIdIsUpperCaseHex) {
  EXPECT_EQ(FormatCarrierId(0x1A2B3C4D), "1A2B3C4D");
  EXPECT_EQ(FormatCarrierId(0x1A2B3C4D, IdForm::kSame), "1A2B3C4D");
  EXPECT_EQ(FormatCarrierId(0x1A2B3C4D, IdForm::kDecimal), "439041101");
  EXPECT_EQ(FormatCarrierId(0x1A2B3C4D, IdForm::kLower), "1a2b3c4d");
  EXPECT_EQ(FormatCarrierId(0x1A2B3C4D, IdForm::kLeadingZeros), "0000000000001A2B3C4D");
}

// Each receipt form matches the submit_sm_resp id under the gateway's normalisation for
// the carrier setting that describes it.
TEST(SimCarrierIdTest, EveryFormMatchesUnderItsCarrierSetting) {
  for (uint64_t counter : {uint64_t{1}, uint64_t{0x10000000}, uint64_t{0x68E4A2B1000123}, ~uint64_t{0}}) {
    const std::string resp = FormatCarrierId(counter);
    const auto hex_key = receipts::NormalizeCarrierId(resp, receipts::CarrierIdForm::kHex);
    EXPECT_EQ(receipts::NormalizeCarrierId(FormatCarrierId(counter, IdForm::kLower), receipts::CarrierIdForm::kHex), hex_key);
    EXPECT_EQ(receipts::NormalizeCarrierId(FormatCarrierId(counter, IdForm::kLeadingZeros), receipts::CarrierIdForm::kHex), hex_key);
    EXPECT_EQ(receipts::NormalizeCarrierId(FormatCarrierId(counter, IdForm::kDecimal), receipts::CarrierIdForm::kDecimal), hex_key);
    EXPECT_TRUE(receipts::SameCarrierId(resp, FormatCarrierId(counter, IdForm::kSame), receipts::CarrierIdMatch::kAsIs));
    EXPECT_TRUE(receipts::SameCarrierId(resp, FormatCarrierId(counter, IdForm::kLower), receipts::CarrierIdMatch::kCaseInsensitive));
    EXPECT_TRUE(receipts::SameCarrierId(resp, FormatCarrierId(counter, IdForm::kDecimal), receipts::CarrierIdMatch::kHexToDecimal));
  }
}

}  // namespace
}  // namespace deliverer::sim
