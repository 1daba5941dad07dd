// docs/reliability.md "Regression corpus for the SMPP decoder": one byte-level fixture per
// case, asserting the exact outcome. The same inputs seed tests/fuzz/corpus/pdu_fuzz/.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "receipts/outcome.h"
#include "smpp/codec.h"
#include "smpp/deliver_receipt.h"
#include "smpp/status.h"
#include "smpp/udh.h"
#include "unit/smpp/alloc_probe.h"
#include "unit/smpp/hex.h"

namespace deliverer::smpp {
namespace {

using receipts::MapReceiptState;
using receipts::MessageState;
using receipts::ReceiptOutcome;
using testing::Bytes;
using testing::Cat;
using testing::CStr;
using testing::Frame;
using testing::Hex;

constexpr size_t k64KiB = 64 * 1024;
// Decoding one small frame allocates a few small objects; far below any claimed length.
constexpr size_t kSmallAllocation = 1024;

BrokenFraming ExpectBroken(std::span<const uint8_t> bytes, size_t max = k64KiB) {
  testing::ResetLargestAllocation();
  DecodeResult result = Decode(bytes, max);
  EXPECT_LT(testing::LargestAllocation(), kSmallAllocation);
  auto* broken = std::get_if<BrokenFraming>(&result);
  if (broken == nullptr) {
    ADD_FAILURE() << "expected BrokenFraming, outcome index " << result.index();
    return {};
  }
  return *broken;
}

Malformed ExpectMalformed(std::span<const uint8_t> bytes, uint32_t status) {
  DecodeResult result = Decode(bytes, k64KiB);
  auto* malformed = std::get_if<Malformed>(&result);
  if (malformed == nullptr) {
    ADD_FAILURE() << "expected Malformed, outcome index " << result.index();
    return {};
  }
  EXPECT_EQ(malformed->status, status) << DescribeStatus(malformed->status);
  EXPECT_EQ(malformed->bytes_consumed, bytes.size());
  EXPECT_EQ(malformed->bytes_consumed, malformed->header.command_length);
  return *malformed;
}

// Decodes one whole PDU and checks that it re-encodes to the same bytes.
Pdu ExpectDecoded(std::span<const uint8_t> bytes) {
  DecodeResult result = Decode(bytes, k64KiB);
  auto* decoded = std::get_if<Decoded>(&result);
  if (decoded == nullptr) {
    ADD_FAILURE() << "expected Decoded, outcome index " << result.index();
    return {};
  }
  EXPECT_EQ(decoded->bytes_consumed, bytes.size());
  EXPECT_EQ(testing::ToHex(Encode(decoded->pdu)), testing::ToHex(bytes));
  return decoded->pdu;
}

// A submit_sm / deliver_sm body up to (not including) sm_length.
std::vector<uint8_t> SmFieldsBeforeSmLength(uint8_t esm_class = 0, uint8_t data_coding = 0) {
  return Cat({CStr(""),
              {1, 1},
              CStr("447700900123"),
              {5, 0},
              CStr("Deliverer"),
              {esm_class, 0, 0},
              CStr(""),
              CStr(""),
              {0, 0, data_coding, 0}});
}

std::vector<uint8_t> DeliverSmWith(std::vector<uint8_t> short_message, uint8_t esm_class = 0,
                                   std::vector<uint8_t> tlvs = {}) {
  auto sm_length = static_cast<uint8_t>(short_message.size());
  return Frame(0x00000005, 1,
               Cat({SmFieldsBeforeSmLength(esm_class), {sm_length}, short_message, tlvs}));
}

// --- command_length 0, 1, 4, 7, 8, 15, 16, larger than the maximum; 00 00 00 02 00 ---

TEST(RegressionCorpus, CommandLength0) {
  EXPECT_EQ(ExpectBroken(Hex("00 00 00 00 00 00 00 15 00 00 00 00 00 00 00 01")).command_length,
            0u);
  EXPECT_EQ(ExpectBroken(Hex("00 00 00 00")).command_length, 0u);  // 4 octets decide
}

TEST(RegressionCorpus, CommandLength1) { ExpectBroken(Hex("00 00 00 01 00 00 00 15")); }
TEST(RegressionCorpus, CommandLength4) { ExpectBroken(Hex("00 00 00 04")); }
TEST(RegressionCorpus, CommandLength7) { ExpectBroken(Hex("00 00 00 07 00 00 00")); }
TEST(RegressionCorpus, CommandLength8) { ExpectBroken(Hex("00 00 00 08 00 00 00 15")); }

TEST(RegressionCorpus, CommandLength15) {
  ExpectBroken(Hex("00 00 00 0F 00 00 00 15 00 00 00 00 00 00 00"));
}

TEST(RegressionCorpus, CommandLength16) {
  Pdu pdu = ExpectDecoded(Hex("00 00 00 10 00 00 00 15 00 00 00 00 00 00 00 01"));
  EXPECT_TRUE(std::holds_alternative<EnquireLink>(pdu.body));
  // A header alone where submit_sm needs a body: framed, so recoverable.
  Malformed m =
      ExpectMalformed(Hex("00 00 00 10 00 00 00 04 00 00 00 00 00 00 00 02"), kEsmeRInvCmdLen);
  EXPECT_EQ(m.header.sequence_number, 2u);
  EXPECT_EQ(m.field, "service_type");
  // 15 of the 16 octets: wait for the last.
  DecodeResult partial = Decode(Hex("00 00 00 10 00 00 00 15 00 00 00 00 00 00 00"), k64KiB);
  EXPECT_EQ(std::get<NeedMore>(partial), NeedMore{16});
}

TEST(RegressionCorpus, CommandLengthLargerThanMaximum) {
  BrokenFraming b = ExpectBroken(Hex("FF FF FF F0 00 00 00 04 00 00 00 00 00 00 00 01"));
  EXPECT_EQ(b.command_length, 0xFFFFFFF0u);
  ExpectBroken(Hex("00 01 00 01 00 00 00 04"), k64KiB);  // max + 1
  // Exactly the maximum is framed: wait for it, without reserving it.
  testing::ResetLargestAllocation();
  DecodeResult result = Decode(Hex("00 01 00 00 00 00 00 04 00 00 00 00 00 00 00 01"), k64KiB);
  EXPECT_EQ(std::get<NeedMore>(result), NeedMore{k64KiB});
  EXPECT_LT(testing::LargestAllocation(), kSmallAllocation);
}

TEST(RegressionCorpus, FiveBytes0000000200) {
  EXPECT_EQ(ExpectBroken(Hex("00 00 00 02 00")).command_length, 2u);
}

// --- sm_length 254 and 255; UCS-2 odd length; sm_length not matching the bytes left ---

TEST(RegressionCorpus, SmLength254WithGsm7Extensions) {
  std::vector<uint8_t> text;
  while (text.size() < 254) text.insert(text.end(), {0x1B, 0x65});  // ESC e = euro sign
  Pdu pdu = ExpectDecoded(DeliverSmWith(text));
  EXPECT_EQ(std::get<DeliverSm>(pdu.body).short_message, text);
}

TEST(RegressionCorpus, SmLength255) {
  std::vector<uint8_t> bytes =
      Frame(0x00000004, 3, Cat({SmFieldsBeforeSmLength(), {255}, std::vector<uint8_t>(255, 'x')}));
  EXPECT_EQ(ExpectMalformed(bytes, kEsmeRInvMsgLen).field, "sm_length");
}

TEST(RegressionCorpus, Ucs2OddLength) {
  std::vector<uint8_t> body = Cat({SmFieldsBeforeSmLength(0, 0x08), {3}, {0x00, 0x48, 0x00}});
  Pdu pdu = ExpectDecoded(Frame(0x00000005, 1, body));
  const auto& sm = std::get<DeliverSm>(pdu.body);
  EXPECT_EQ(sm.data_coding, 0x08);
  EXPECT_EQ(sm.short_message.size(), 3u);  // kept as is; text decoding copes with it
}

TEST(RegressionCorpus, SmLengthPastTheEnd) {
  std::vector<uint8_t> bytes =
      Frame(0x00000004, 3, Cat({SmFieldsBeforeSmLength(), {10}, Bytes("Hell")}));
  EXPECT_EQ(ExpectMalformed(bytes, kEsmeRInvMsgLen).field, "sm_length");
}

TEST(RegressionCorpus, SmLengthShorterThanTheBytesLeft) {
  // 3 stray octets after the message cannot be a TLV.
  std::vector<uint8_t> bytes =
      Frame(0x00000004, 3, Cat({SmFieldsBeforeSmLength(), {2}, Bytes("Hello")}));
  EXPECT_EQ(ExpectMalformed(bytes, kEsmeRInvOptParStream).field, "tlvs");
  // 8 stray octets read as a TLV whose length runs past the PDU.
  bytes = Frame(0x00000004, 3, Cat({SmFieldsBeforeSmLength(), {2}, Bytes("Hello, you")}));
  ExpectMalformed(bytes, kEsmeRInvOptParStream);
}

// --- C-string without terminator; every C-string at its maximum and maximum + 1 ---

TEST(RegressionCorpus, CStringWithoutTerminator) {
  Malformed m = ExpectMalformed(Frame(0x00000002, 4, Bytes("SMPP")), kEsmeRInvCmdLen);
  EXPECT_EQ(m.field, "system_id");
  EXPECT_EQ(m.header.sequence_number, 4u);
  m = ExpectMalformed(Frame(0x00000004, 4, Cat({CStr(""), {1, 1}, Bytes("4477")})),
                      kEsmeRInvCmdLen);
  EXPECT_EQ(m.field, "source_addr");
}

// Every C-string field of `body`: its name, maximum and the status for "too long".
struct CStringField {
  std::string name;
  uint16_t max = 0;
  uint32_t status = 0;
};

struct CStringLister {
  void operator()(const CString&, const FieldSpec& s) {
    fields.push_back({std::string(s.name), s.max_octets, s.invalid_status});
  }
  void operator()(const OptCString& v, const FieldSpec& s) { (*this)(v.value_or(""), s); }
  template <class Other>
  void operator()(const Other&, const FieldSpec&) {}
  std::vector<CStringField> fields;
};

// Sets the field called `name` to `value`.
struct CStringSetter {
  void operator()(CString& v, const FieldSpec& s) {
    if (s.name == name) v = value;
  }
  void operator()(OptCString& v, const FieldSpec& s) {
    if (s.name == name) v = value;
  }
  template <class Other>
  void operator()(Other&, const FieldSpec&) {}
  std::string name, value;
};

// With the field at max-1 characters the PDU decodes; one more character makes it
// Malformed with the field's own status. 'Q' marks the field in the encoded bytes.
template <class BodyType>
void CheckCStringLimits(const std::map<std::string, uint32_t>& expected_status) {
  CStringLister lister;
  BodyType probe{};
  BodyType::VisitFields(probe, lister);
  ASSERT_EQ(lister.fields.size(), expected_status.size());
  for (const CStringField& field : lister.fields) {
    SCOPED_TRACE(std::string(BodyType::kName) + "." + field.name);
    EXPECT_EQ(field.status, expected_status.at(field.name));
    BodyType body{};
    CStringSetter setter{field.name, std::string(field.max - 1, 'Q')};
    BodyType::VisitFields(body, setter);
    std::vector<uint8_t> at_max = Encode(MakePdu(body, 1));
    ExpectDecoded(at_max);
    std::vector<uint8_t> over = at_max;
    over.insert(std::find(over.begin() + 16, over.end(), 'Q'), 'Q');  // past the header
    over[3] = static_cast<uint8_t>(over.size());  // all these PDUs are < 256 octets
    EXPECT_EQ(ExpectMalformed(over, field.status).field, field.name);
  }
}

TEST(RegressionCorpus, EveryCStringAtMaximumAndMaximumPlusOne) {
  CheckCStringLimits<BindTransmitter>({{"system_id", kEsmeRInvSysId},
                                       {"password", kEsmeRInvPaswd},
                                       {"system_type", kEsmeRInvSysTyp},
                                       {"address_range", kEsmeRBindFail}});
  CheckCStringLimits<SubmitSm>({{"service_type", kEsmeRInvSerTyp},
                                {"source_addr", kEsmeRInvSrcAdr},
                                {"destination_addr", kEsmeRInvDstAdr},
                                {"schedule_delivery_time", kEsmeRInvSched},
                                {"validity_period", kEsmeRInvExpiry}});
  CheckCStringLimits<SubmitSmResp>({{"message_id", kEsmeRInvMsgId}});
  CheckCStringLimits<BindTransceiverResp>({{"system_id", kEsmeRInvSysId}});
}

// --- esm_class UDHI with sm_length 0; UDH longer than the data; references 0 and 255 ---

TEST(RegressionCorpus, UdhiWithSmLength0AndNoMessagePayload) {
  Pdu pdu = ExpectDecoded(DeliverSmWith({}, kEsmClassUdhi));
  const auto& sm = std::get<DeliverSm>(pdu.body);
  auto split = SplitUserData(sm.esm_class, UserDataOf(sm));
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.error().code, "udh_missing");
}

TEST(RegressionCorpus, UdhLengthLargerThanUserData) {
  Pdu pdu = ExpectDecoded(DeliverSmWith({0x05, 0x00, 0x03}, kEsmClassUdhi));
  const auto& sm = std::get<DeliverSm>(pdu.body);
  EXPECT_EQ(SplitUserData(sm.esm_class, UserDataOf(sm)).error().code, "udh_length");
}

TEST(RegressionCorpus, ConcatenationReference0And255) {
  for (uint8_t reference : {uint8_t{0}, uint8_t{255}}) {
    Pdu pdu = ExpectDecoded(
        DeliverSmWith({0x05, 0x00, 0x03, reference, 0x02, 0x02, 'h', 'i'}, kEsmClassUdhi));
    const auto& sm = std::get<DeliverSm>(pdu.body);
    auto split = SplitUserData(sm.esm_class, UserDataOf(sm));
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(split->concatenation, (Concatenation{reference, 2, 2, false}));
    EXPECT_EQ(split->payload.size(), 2u);
  }
}

// --- TLVs: length past the PDU, length 0, duplicates, unknown vendor tags ---

TEST(RegressionCorpus, TlvLengthPastThePdu) {
  std::vector<uint8_t> bytes = DeliverSmWith({}, 0, Hex("04 27 00 05 02"));
  EXPECT_EQ(ExpectMalformed(bytes, kEsmeRInvOptParStream).field, "tlvs");
}

TEST(RegressionCorpus, TlvLength0) {
  Pdu pdu = ExpectDecoded(DeliverSmWith({}, 0x04, Hex("13 0C 00 00 | 04 27 00 00")));
  const auto& sm = std::get<DeliverSm>(pdu.body);
  EXPECT_TRUE(GetAlertOnMessageDelivery(sm.tlvs));
  EXPECT_EQ(GetMessageState(sm.tlvs), std::nullopt);  // present but unusable
  EXPECT_EQ(sm.tlvs.size(), 2u);
}

TEST(RegressionCorpus, DuplicatedTlvs) {
  Pdu pdu = ExpectDecoded(
      DeliverSmWith({}, 0x04, Hex("00 1E 00 02 41 00 | 00 1E 00 02 42 00 | 04 27 00 01 02")));
  const auto& tlvs = std::get<DeliverSm>(pdu.body).tlvs;
  ASSERT_EQ(tlvs.size(), 3u);
  EXPECT_EQ(GetReceiptedMessageId(tlvs), "A");  // the first one counts
  EXPECT_EQ(tlvs.entries()[1].value, Bytes(std::string_view("B\0", 2)));
}

TEST(RegressionCorpus, UnknownVendorTags) {
  Pdu pdu = ExpectDecoded(
      DeliverSmWith(Bytes("hi"), 0, Hex("14 54 00 01 07 | 06 0D 00 00 | 14 03 00 03 01 02 03")));
  const auto& tlvs = std::get<DeliverSm>(pdu.body).tlvs;
  ASSERT_EQ(tlvs.size(), 3u);
  EXPECT_EQ(tlvs.entries()[0].tag, 0x1454);
  EXPECT_EQ(tlvs.entries()[1].tag, 0x060D);
  EXPECT_EQ(tlvs.entries()[2].tag, 0x1403);
  EXPECT_EQ(TlvName(0x1454), "");
}

// --- responses: error without body, unknown status, unknown sequence, wrapping ---

TEST(RegressionCorpus, RespWithErrorStatusAndNoBody) {
  Pdu pdu = ExpectDecoded(Hex("00 00 00 10 80 00 00 04 00 00 00 45 00 00 00 08"));
  EXPECT_EQ(std::get<SubmitSmResp>(pdu.body).message_id, std::nullopt);
  EXPECT_EQ(ClassifyStatus(pdu.header.command_status), StatusClass::kPermanent);
  pdu = ExpectDecoded(Hex("00 00 00 10 80 00 00 09 00 00 00 0E 00 00 00 01"));
  EXPECT_EQ(std::get<BindTransceiverResp>(pdu.body).system_id, std::nullopt);
  ExpectDecoded(Hex("00 00 00 10 80 00 00 05 00 00 00 64 00 00 00 02"));
}

TEST(RegressionCorpus, UnknownCommandStatus0x22) {
  Pdu pdu = ExpectDecoded(Hex("00 00 00 10 80 00 00 04 00 00 00 22 00 00 00 08"));
  EXPECT_EQ(pdu.header.command_status, 0x22u);
  EXPECT_FALSE(IsKnownStatus(0x22));
  EXPECT_EQ(ClassifyStatus(0x22), StatusClass::kTransient);
  EXPECT_EQ(ClassifyStatus(0x22, {.overrides = {}, .unknown = StatusClass::kPermanent}),
            StatusClass::kPermanent);
  EXPECT_EQ(DescribeStatus(0x22), "0x00000022 (unknown)");
}

TEST(RegressionCorpus, ResponseForAnUnknownSequenceNumber) {
  // The codec decodes it; matching against the window is the session's job.
  Pdu pdu = ExpectDecoded(Cat({Hex("00 00 00 12 80 00 00 04 00 00 00 00 12 34 56 78"), CStr("9")}));
  EXPECT_EQ(pdu.header.sequence_number, 0x12345678u);
}

TEST(RegressionCorpus, SequenceNumbersWrapAt0x7FFFFFFF) {
  EXPECT_EQ(NextSequenceNumber(0x7FFFFFFE), 0x7FFFFFFFu);
  EXPECT_EQ(NextSequenceNumber(0x7FFFFFFF), 1u);
  EXPECT_EQ(NextSequenceNumber(0), 1u);
  EXPECT_EQ(NextSequenceNumber(0xFFFFFFFF), 1u);
  Pdu pdu = ExpectDecoded(Hex("00 00 00 10 00 00 00 15 00 00 00 00 7F FF FF FF"));
  EXPECT_EQ(pdu.header.sequence_number, 0x7FFFFFFFu);
  ExpectDecoded(Hex("00 00 00 10 80 00 00 15 00 00 00 00 00 00 00 01"));
}

// --- receipts ---

TEST(RegressionCorpus, ReceiptedMessageIdWithoutMessageState) {
  Pdu pdu = ExpectDecoded(DeliverSmWith({}, 0x04, Hex("00 1E 00 05 31 41 32 42 00")));
  auto receipt = ParseReceipt(std::get<DeliverSm>(pdu.body));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "1A2B");
  EXPECT_EQ(receipt->state, MessageState::kUnknown);
  EXPECT_FALSE(receipt->state_from_tlv);
  EXPECT_EQ(MapReceiptState(receipt->state), ReceiptOutcome::kUnknown);
  // With the text form alongside, its stat: fills the gap.
  pdu = ExpectDecoded(DeliverSmWith(Bytes("id:6699 stat:UNDELIV err:001"), 0x04,
                                    Hex("00 1E 00 05 31 41 32 42 00")));
  receipt = ParseReceipt(std::get<DeliverSm>(pdu.body));
  EXPECT_EQ(receipt->message_id, "1A2B");
  EXPECT_EQ(receipt->text_id, "6699");
  EXPECT_EQ(receipt->state, MessageState::kUndeliverable);
}

TEST(RegressionCorpus, ReceiptTextWithoutStat) {
  Pdu pdu = ExpectDecoded(DeliverSmWith(
      Bytes("id:77 sub:001 dlvrd:000 submit date:2501021234 done date:2501021300 err:000 text:"),
      0x04));
  auto receipt = ParseReceipt(std::get<DeliverSm>(pdu.body));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, "77");
  EXPECT_EQ(receipt->stat, "");
  EXPECT_EQ(receipt->state, MessageState::kUnknown);
}

TEST(RegressionCorpus, ReceiptTextWithBytes0x80To0xFF) {
  std::vector<uint8_t> text = Bytes("id:5 stat:DELIVRD err:000 text:");
  for (int b = 0x80; b <= 0xFF; b += 0x11) text.push_back(static_cast<uint8_t>(b));
  Pdu pdu = ExpectDecoded(DeliverSmWith(text, 0x04));
  auto receipt = ParseReceipt(std::get<DeliverSm>(pdu.body));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->state, MessageState::kDelivered);
  // Stored and sent on as UTF-8: each lone high byte becomes U+FFFD.
  std::string expected;
  for (int i = 0; i < 8; ++i) expected += "\uFFFD";
  EXPECT_EQ(receipt->text, expected);
}

// --- not SMPP at all ---

TEST(RegressionCorpus, NotSmppHttpResponse) {
  BrokenFraming b = ExpectBroken(Bytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(b.command_length, 0x48545450u);  // "HTTP"
}

TEST(RegressionCorpus, NotSmppTlsClientHello) {
  ExpectBroken(Hex("16 03 01 00 A5 01 00 00 A1 03 03 5B 90 8C 1E 7A 2E 00 00 1C C0 2B"));
}

TEST(RegressionCorpus, NotSmppRandomText) {
  ExpectBroken(Bytes("Lorem ipsum dolor sit amet, consectetur adipiscing elit"));
  ExpectBroken(Bytes("\x7F\xFF\xFF\xFF garbage"));
}

}  // namespace
}  // namespace deliverer::smpp
