// What a submit_sm or data_sm asks for (docs/smpp-server.md "Submitting").
#include "smppd/submit.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace deliverer::smppd {
namespace {

smpp::SubmitSm Submit(std::vector<uint8_t> short_message, uint8_t esm_class = 0) {
  smpp::SubmitSm sm;
  sm.source_addr_ton = 5;
  sm.source_addr = "Deliverer";
  sm.dest_addr_ton = 1;
  sm.destination_addr = "447911123456";
  sm.esm_class = esm_class;
  sm.registered_delivery = 1;
  sm.short_message = std::move(short_message);
  return sm;
}

TEST(Submit, AnInternationalNumberGetsItsPlus) {
  auto read = ReadSubmit(Submit({'h', 'i'}));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->to, "+447911123456");
  EXPECT_EQ(read->from, "Deliverer");
  EXPECT_TRUE(read->wants_receipt());
  EXPECT_FALSE(read->part.has_value());
}

TEST(Submit, UdhConcatenationEightAndSixteenBit) {
  auto eight = ReadSubmit(Submit({0x05, 0x00, 0x03, 0xAB, 0x03, 0x02, 'x'}, 0x40));
  ASSERT_TRUE(eight.ok());
  ASSERT_TRUE(eight->part.has_value());
  EXPECT_EQ(eight->part->reference, 0xAB);
  EXPECT_EQ(eight->part->total, 3);
  EXPECT_EQ(eight->part->sequence, 2);
  EXPECT_EQ(eight->payload, std::vector<uint8_t>{'x'});
  auto sixteen = ReadSubmit(Submit({0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01, 'y'}, 0x40));
  ASSERT_TRUE(sixteen.ok());
  EXPECT_EQ(sixteen->part->reference, 0x1234);
  EXPECT_TRUE(sixteen->part->reference_16bit);
}

TEST(Submit, SarTlvsAndMessagePayload) {
  smpp::SubmitSm sm = Submit({'a'});
  smpp::AddSarMsgRefNum(sm.tlvs, uint16_t{77});
  smpp::AddSarTotalSegments(sm.tlvs, uint8_t{2});
  smpp::AddSarSegmentSeqnum(sm.tlvs, uint8_t{1});
  auto sar = ReadSubmit(sm);
  ASSERT_TRUE(sar.ok());
  EXPECT_EQ(sar->part->reference, 77);

  smpp::SubmitSm payload = Submit({});
  const std::vector<uint8_t> long_text(400, 'z');
  smpp::AddMessagePayload(payload.tlvs, std::span<const uint8_t>(long_text));
  auto whole = ReadSubmit(payload);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->payload.size(), 400u);
  EXPECT_FALSE(whole->part.has_value());
}

TEST(Submit, WhatIsRefused) {
  EXPECT_EQ(ReadSubmit(Submit({0x09, 'a'}, 0x40)).error().code, "udh_length");
  smpp::SubmitSm scheduled = Submit({'a'});
  scheduled.schedule_delivery_time = "000001000000000R";
  EXPECT_EQ(ReadSubmit(scheduled).error().field, "send_at");
}

TEST(Submit, TheDelivererMessageIdTlvIsTheIdempotencyKey) {
  smpp::SubmitSm sm = Submit({'h', 'i'});
  smpp::AddDelivererMessageId(sm.tlvs, "0193A4C2-5F00-7000-8000-00000000ABCD");
  auto read = ReadSubmit(sm);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->message_id, "0193a4c2-5f00-7000-8000-00000000abcd") << "in its canonical form";
  EXPECT_EQ(nlohmann::json::parse(SubmissionJson(*read, "hi"))["message_id"], *read->message_id);
  EXPECT_FALSE(ReadSubmit(Submit({'h', 'i'}))->message_id.has_value());
  EXPECT_FALSE(nlohmann::json::parse(SubmissionJson(*ReadSubmit(Submit({'h', 'i'})), "hi")).contains("message_id"));

  smpp::SubmitSm invalid = Submit({'h', 'i'});
  smpp::AddDelivererMessageId(invalid.tlvs, "order-991");
  EXPECT_EQ(ReadSubmit(invalid).error().field, "message_id");
  smpp::SubmitSm empty = Submit({'h', 'i'});
  smpp::AddDelivererMessageId(empty.tlvs, "");
  EXPECT_EQ(ReadSubmit(empty).error().field, "message_id") << "present and empty is not absent";
}

TEST(Submit, DataSmCarriesItsTextInMessagePayload) {
  smpp::DataSm d;
  d.source_addr = "12345";
  d.dest_addr_ton = 1;
  d.destination_addr = "447911123456";
  d.data_coding = 0x08;
  smpp::AddMessagePayload(d.tlvs, std::vector<uint8_t>{0x00, 'A'});
  auto read = ReadDataSm(d);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->data_coding, 0x08);
  EXPECT_EQ(read->payload, (std::vector<uint8_t>{0x00, 'A'}));
}

TEST(Submit, TheJsonIsWhatPostV1MessagesTakes) {
  auto read = ReadSubmit(Submit({'h', 'i'}));
  const auto json = nlohmann::json::parse(SubmissionJson(*read, "h\"i", std::string("id-1")));
  EXPECT_EQ(json["from"], "Deliverer");
  EXPECT_EQ(json["to"], "+447911123456");
  EXPECT_EQ(json["body"], "h\"i");
  EXPECT_EQ(json["message_id"], "id-1");
}

}  // namespace
}  // namespace deliverer::smppd
