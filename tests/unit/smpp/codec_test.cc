// Byte-exact encodings against hand-assembled SMPP 3.4 PDUs, and round trips of every
// PDU type.
#include "smpp/codec.h"

#include <gtest/gtest.h>

#include <set>

#include "unit/smpp/fixtures.h"
#include "unit/smpp/hex.h"

namespace deliverer::smpp {
namespace {

using testing::Hex;
using testing::ToHex;

// The one PDU `bytes` holds, or a test failure.
Pdu DecodeWhole(const std::vector<uint8_t>& bytes) {
  DecodeResult result = Decode(bytes);
  auto* decoded = std::get_if<Decoded>(&result);
  if (decoded == nullptr) {
    ADD_FAILURE() << "not decoded, outcome index " << result.index() << ": " << ToHex(bytes);
    return Pdu{};
  }
  EXPECT_EQ(decoded->bytes_consumed, bytes.size());
  EXPECT_EQ(decoded->pdu.header.command_length, bytes.size());
  return decoded->pdu;
}

// Encodes `pdu`, checks the bytes against `hex`, and decodes them back to `pdu`.
void ExpectWireForm(Pdu pdu, std::string_view hex) {
  std::vector<uint8_t> expected = Hex(hex);
  EXPECT_EQ(ToHex(Encode(pdu)), ToHex(expected));
  pdu.header.command_length = static_cast<uint32_t>(expected.size());
  EXPECT_EQ(DecodeWhole(expected), pdu);
}

BindTransmitter TestBind() {
  BindTransmitter bind;
  bind.system_id = "SMPP3TEST";
  bind.password = "secret08";
  bind.system_type = "SUBMIT1";
  bind.interface_version = kInterfaceVersion34;
  bind.addr_ton = 1;
  bind.addr_npi = 1;
  return bind;
}

SubmitSm TestSubmit() {
  SubmitSm sm;
  sm.source_addr_ton = 5;
  sm.source_addr = "Deliverer";
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr = "447700900123";
  sm.validity_period = "000001000000000R";
  sm.registered_delivery = 1;
  sm.short_message = testing::Bytes("Hello");
  AddUserMessageReference(sm.tlvs, uint16_t{42});
  AddSarMsgRefNum(sm.tlvs, uint16_t{0x1234});
  AddSarTotalSegments(sm.tlvs, uint8_t{2});
  AddSarSegmentSeqnum(sm.tlvs, uint8_t{1});
  return sm;
}

TEST(CodecWireForm, EnquireLink) {
  ExpectWireForm(MakePdu(EnquireLink{}, 1), testing::kHexEnquireLink);
}

TEST(CodecWireForm, EnquireLinkResp) {
  ExpectWireForm(MakePdu(EnquireLinkResp{}, 1), testing::kHexEnquireLinkResp);
}

TEST(CodecWireForm, GenericNack) {
  ExpectWireForm(MakeGenericNack(5, 0x03), testing::kHexGenericNack);
}

TEST(CodecWireForm, UnbindAndResp) {
  ExpectWireForm(MakePdu(Unbind{}, 2), testing::kHexUnbind);
  ExpectWireForm(MakePdu(UnbindResp{}, 2), testing::kHexUnbindResp);
}

TEST(CodecWireForm, BindTransmitter) {
  ExpectWireForm(MakePdu(TestBind(), 1), testing::kHexBindTransmitter);
}

TEST(CodecWireForm, BindReceiver) {
  BindTransmitter t = TestBind();
  BindReceiver bind{t.system_id, t.password, t.system_type, 0x34, 1, 1, "^44"};
  ExpectWireForm(MakePdu(bind, 2), testing::kHexBindReceiver);
}

TEST(CodecWireForm, BindTransceiver) {
  BindTransceiver bind{"SMPP3TEST", "secret08", "", 0x34, 0, 0, ""};
  ExpectWireForm(MakePdu(bind, 3), testing::kHexBindTransceiver);
}

TEST(CodecWireForm, BindTransmitterRespWithInterfaceVersion) {
  BindTransmitterResp resp{"SMSC", {}};
  AddScInterfaceVersion(resp.tlvs, uint8_t{0x34});
  ExpectWireForm(MakePdu(resp, 1), testing::kHexBindTransmitterResp);
  EXPECT_EQ(GetScInterfaceVersion(resp.tlvs), 0x34);
}

TEST(CodecWireForm, BindReceiverResp) {
  ExpectWireForm(MakePdu(BindReceiverResp{"SMSC", {}}, 2), testing::kHexBindReceiverResp);
}

TEST(CodecWireForm, BindTransceiverRespRefusedHasNoBody) {
  ExpectWireForm(MakePdu(BindTransceiverResp{}, 3, 0x0E), testing::kHexBindTransceiverRespRefused);
}

TEST(CodecWireForm, SubmitSmWithTlvs) {
  ExpectWireForm(MakePdu(TestSubmit(), 7), testing::kHexSubmitSm);
}

TEST(CodecWireForm, SubmitSmResp) {
  ExpectWireForm(MakePdu(SubmitSmResp{"0123456789abcdef", {}}, 7), testing::kHexSubmitSmResp);
  ExpectWireForm(MakePdu(SubmitSmResp{}, 7, 0x0B), testing::kHexSubmitSmRespError);
}

TEST(CodecWireForm, DeliverSmReceipt) {
  DeliverSm sm;
  sm.source_addr_ton = 1;
  sm.source_addr_npi = 1;
  sm.source_addr = "447700900123";
  sm.dest_addr_ton = 5;
  sm.destination_addr = "Deliverer";
  sm.esm_class = 0x04;
  sm.short_message = testing::Bytes(
      "id:6699 sub:001 dlvrd:001 submit date:2501021234 done date:2501021235 "
      "stat:DELIVRD err:000 text:");
  AddReceiptedMessageId(sm.tlvs, "1A2B");
  AddMessageState(sm.tlvs, uint8_t{2});
  ExpectWireForm(MakePdu(sm, 9), testing::kHexDeliverSmReceipt);
}

TEST(CodecWireForm, DeliverSmResp) {
  ExpectWireForm(MakePdu(DeliverSmResp{"", {}}, 9), testing::kHexDeliverSmResp);
}

TEST(CodecWireForm, HeaderFieldsComeFromTheWire) {
  Pdu pdu = DecodeWhole(Hex(testing::kHexSubmitSmRespError));
  EXPECT_EQ(pdu.header, (Header{16, 0x80000004u, 0x0B, 7}));
  EXPECT_EQ(pdu.command_id(), SubmitSmResp::kCommandId);
}

TEST(CodecWireForm, EncodeIgnoresStaleHeaderLengthAndId) {
  Pdu pdu = MakePdu(EnquireLink{}, 1);
  pdu.header.command_length = 999;
  pdu.header.command_id = 0x42;
  EXPECT_EQ(ToHex(Encode(pdu)), ToHex(Hex(testing::kHexEnquireLink)));
}

// One sample of every body alternative, with non-default fields.
std::vector<Pdu> OneOfEach() {
  BindTransmitter t = TestBind();
  SubmitSm sm = TestSubmit();
  DeliverSm dsm;
  dsm.service_type = "CMT";
  dsm.short_message = {0x00, 0xFF, 0x80};
  dsm.tlvs.Add(0x1454, {1, 2, 3});
  Tlvs resp_tlvs;
  AddAdditionalStatusInfoText(resp_tlvs, "throttled");
  return {
      MakeGenericNack(1, 0x03),
      MakePdu(BindReceiver{t.system_id, t.password, "", 0x34, 2, 3, "^1"}, 2),
      MakePdu(BindReceiverResp{"SMSC", {}}, 3),
      MakePdu(t, 4),
      MakePdu(BindTransmitterResp{std::nullopt, {}}, 5, 0x0D),
      MakePdu(sm, 6),
      MakePdu(SubmitSmResp{"abc", resp_tlvs}, 7),
      MakePdu(dsm, 8),
      MakePdu(DeliverSmResp{"", {}}, 9),
      MakePdu(Unbind{}, 10),
      MakePdu(UnbindResp{}, 11),
      MakePdu(BindTransceiver{"a", "b", "c", 0x34, 0, 0, ""}, 12),
      MakePdu(BindTransceiverResp{"SMSC", {}}, 13),
      MakePdu(EnquireLink{}, 14),
      MakePdu(EnquireLinkResp{}, kMaxSequenceNumber),
      MakePdu(DataSm{"WAP", 1, 1, "+447700900123", 1, 1, "+447700900456", 0, 1, 8, resp_tlvs}, 16),
      MakePdu(DataSmResp{"id-1", {}}, 17),
  };
}

TEST(CodecRoundTrip, EveryPduType) {
  std::set<size_t> covered;
  for (Pdu pdu : OneOfEach()) {
    SCOPED_TRACE(std::string(CommandName(pdu.command_id())));
    ASSERT_TRUE(Validate(pdu).ok());
    std::vector<uint8_t> bytes = Encode(pdu);
    Pdu decoded = DecodeWhole(bytes);
    pdu.header.command_length = static_cast<uint32_t>(bytes.size());
    EXPECT_EQ(decoded, pdu);
    EXPECT_EQ(ToHex(Encode(decoded)), ToHex(bytes));
    covered.insert(pdu.body.index());
  }
  EXPECT_EQ(covered.size(), std::variant_size_v<Body>);
}

TEST(CodecRoundTrip, CommandIdsAndNamesComeFromTheTable) {
  EXPECT_EQ(SubmitSm::kCommandId, 0x00000004u);
  EXPECT_EQ(SubmitSmResp::kCommandId, SubmitSm::kCommandId | kResponseBit);
  EXPECT_EQ(CommandName(0x00000009), "bind_transceiver");
  EXPECT_EQ(CommandName(0x80000000), "generic_nack");
  EXPECT_EQ(CommandName(0x00000103), "data_sm");  // producers may send it (docs/smpp-server.md)
  EXPECT_EQ(CommandName(0x00000102), "");  // alert_notification: not supported
  EXPECT_TRUE(IsKnownCommandId(0x80000015));
  EXPECT_FALSE(IsKnownCommandId(0x00000003));  // query_sm
  EXPECT_TRUE(IsResponse(0x80000004));
  EXPECT_FALSE(IsResponse(0x00000004));
}

TEST(CodecValidate, RejectsWhatCannotBeEncoded) {
  SubmitSm sm = TestSubmit();
  sm.source_addr = std::string(21, 'A');  // 21 characters + NUL > 21
  Status status = Validate(MakePdu(sm, 1));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "invalid_pdu");
  EXPECT_EQ(status.error().field, "source_addr");

  sm = TestSubmit();
  sm.short_message.assign(255, 'x');
  EXPECT_EQ(Validate(MakePdu(sm, 1)).error().field, "short_message");

  sm = TestSubmit();
  sm.destination_addr = std::string("44\0 77", 6);
  EXPECT_EQ(Validate(MakePdu(sm, 1)).error().field, "destination_addr");

  sm = TestSubmit();
  sm.tlvs.Add(tlv::kMessagePayload, std::vector<uint8_t>(65536));
  EXPECT_EQ(Validate(MakePdu(sm, 1)).error().field, "tlvs");

  SubmitSmResp resp{std::nullopt, {}};
  AddAdditionalStatusInfoText(resp.tlvs, "x");
  EXPECT_EQ(Validate(MakePdu(resp, 1)).error().field, "tlvs");
}

TEST(CodecValidate, AcceptsFieldsAtTheirMaximum) {
  SubmitSm sm = TestSubmit();
  sm.source_addr = std::string(20, 'A');
  sm.short_message.assign(254, 'x');
  sm.tlvs.Add(tlv::kMessagePayload, std::vector<uint8_t>(65535));
  EXPECT_TRUE(Validate(MakePdu(sm, 1)).ok());
}

}  // namespace
}  // namespace deliverer::smpp

namespace deliverer::smpp {
namespace {

TEST(EncodeToTest, AppendsTheSameBytesAfterWhatIsThere) {
  const Pdu first = MakePdu(EnquireLink{}, 7);
  SubmitSm sm;
  sm.destination_addr = "447911123456";
  sm.short_message = {'h', 'i'};
  const Pdu second = MakePdu(sm, 8);
  std::vector<uint8_t> buffer;
  EncodeTo(first, buffer);
  EncodeTo(second, buffer);
  std::vector<uint8_t> expected = Encode(first);
  const std::vector<uint8_t> tail = Encode(second);
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(buffer, expected) << "command_length is patched at each PDU's own start";
}

}  // namespace
}  // namespace deliverer::smpp
