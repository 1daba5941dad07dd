// The receipt deliver_sm a producer gets (docs/smpp-server.md "Receipts").
#include "smppd/receipt.h"

#include <gtest/gtest.h>

#include "smpp/deliver_receipt.h"

namespace deliverer::smppd {
namespace {

store::ProducerReceiptJob Job(model::Status status, std::optional<model::MessageError> error = std::nullopt) {
  store::ProducerReceiptJob job;
  job.event_id = "e1";
  job.message_id = "0190a3b4-0000-7000-8000-000000000001";
  job.from = "Deliverer";
  job.to = "+447911123456";
  job.status = status;
  job.error = std::move(error);
  job.submitted_at_ms = 1'764'000'000'000;  // 2025-11-24 16:00 UTC
  job.done_at_ms = 1'764'000'060'000;
  job.text = "Your code is 123456, valid for 10 minutes";
  return job;
}

TEST(Receipt, TheStandardTextWithTheSubmitRespId) {
  const smpp::DeliverSm d = MakeReceipt(Job(model::Status::kDelivered));
  const std::string text(d.short_message.begin(), d.short_message.end());
  EXPECT_EQ(text,
            "id:0190a3b4-0000-7000-8000-000000000001 sub:001 dlvrd:001 submit date:2511241600 done date:2511241601 "
            "stat:DELIVRD err:000 text:Your code is 123456,") << "its first 20 characters";
  EXPECT_EQ(d.esm_class, 0x04);
  EXPECT_EQ(smpp::GetReceiptedMessageId(d.tlvs), "0190a3b4-0000-7000-8000-000000000001");
  EXPECT_EQ(smpp::GetMessageState(d.tlvs), 2);
}

TEST(Receipt, AddressesGoBackFromTheRecipientToTheSender) {
  const smpp::DeliverSm d = MakeReceipt(Job(model::Status::kDelivered));
  EXPECT_EQ(d.source_addr, "447911123456");
  EXPECT_EQ(d.source_addr_ton, 1);
  EXPECT_EQ(d.destination_addr, "Deliverer");
  EXPECT_EQ(d.dest_addr_ton, 5);
}

TEST(Receipt, EveryEndHasItsState) {
  EXPECT_EQ(StateOf(model::Status::kExpired), receipts::MessageState::kExpired);
  EXPECT_EQ(StateOf(model::Status::kFailed), receipts::MessageState::kUndeliverable);
  EXPECT_EQ(StateOf(model::Status::kRejected), receipts::MessageState::kRejected);
  EXPECT_EQ(StateOf(model::Status::kCanceled), receipts::MessageState::kDeleted);
}

TEST(Receipt, AFailureCarriesTheCarriersCodeAndParsesBack) {
  const smpp::DeliverSm d =
      MakeReceipt(Job(model::Status::kFailed, model::MessageError{"carrier_rejected", "", "UNDELIV/011"}));
  auto parsed = smpp::ParseReceipt(d);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->stat, "UNDELIV");
  EXPECT_EQ(parsed->err, "011");
  EXPECT_EQ(parsed->state, receipts::MessageState::kUndeliverable);
  EXPECT_EQ(ErrorCodeOf(model::MessageError{"parts_incomplete", "", ""}), 0u);
}

}  // namespace
}  // namespace deliverer::smppd
