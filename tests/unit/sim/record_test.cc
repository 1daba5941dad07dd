// The record line: what a test reading the JSONL sees for each submit_sm.
#include "sim/record.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "smpp/tlv.h"
#include "text/text.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

smpp::SubmitSm Submit(std::vector<uint8_t> short_message, uint8_t esm_class = 0,
                      uint8_t data_coding = 0) {
  smpp::SubmitSm s;
  s.source_addr_ton = 1;
  s.source_addr_npi = 1;
  s.source_addr = "14155550100";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "442071838750";
  s.esm_class = esm_class;
  s.registered_delivery = 1;
  s.validity_period = "000002000000000R";
  s.data_coding = data_coding;
  s.short_message = std::move(short_message);
  return s;
}

std::vector<uint8_t> Septets(std::string_view utf8) {
  auto encoded = text::Encode(utf8, 0);
  return encoded->segments.at(0).payload;
}

std::vector<uint8_t> WithUdh(std::vector<uint8_t> udh, const std::vector<uint8_t>& payload) {
  udh.insert(udh.end(), payload.begin(), payload.end());
  return udh;
}

Json Line(const RecordMeta& meta, const smpp::SubmitSm& submit) {
  std::string out;
  AppendRecordLine(out, meta, submit, ReadSubmitContent(submit));
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  return Json::parse(out);
}

TEST(SimSubmitContentTest, PlainGsm7) {
  const SubmitContent c = ReadSubmitContent(Submit(Septets("Hello @ {world} €")));
  EXPECT_EQ(c.text, "Hello @ {world} €");
  EXPECT_FALSE(c.concat.has_value());
  EXPECT_FALSE(c.message_payload);
}

TEST(SimSubmitContentTest, UdhWithEightBitReference) {
  const auto sm = Submit(WithUdh({0x05, 0x00, 0x03, 0xA7, 0x02, 0x01}, Septets("part one")), 0x40);
  const SubmitContent c = ReadSubmitContent(sm);
  EXPECT_EQ(c.concat, (Concat{0xA7, 1, 2}));
  EXPECT_EQ(c.text, "part one");
}

TEST(SimSubmitContentTest, UdhWithSixteenBitReferenceInUcs2) {
  const std::vector<uint8_t> ucs2 = {0x04, 0x1F, 0x04, 0x40, 0x04, 0x38};  // "При"
  const auto sm = Submit(WithUdh({0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x03}, ucs2), 0x40, 0x08);
  const SubmitContent c = ReadSubmitContent(sm);
  EXPECT_EQ(c.concat, (Concat{0x1234, 3, 3}));
  EXPECT_EQ(c.text, "При");
}

TEST(SimSubmitContentTest, SarTlvs) {
  auto sm = Submit(Septets("sar"));
  smpp::AddSarMsgRefNum(sm.tlvs, uint16_t{513});
  smpp::AddSarTotalSegments(sm.tlvs, uint8_t{4});
  smpp::AddSarSegmentSeqnum(sm.tlvs, uint8_t{2});
  EXPECT_EQ(ReadSubmitContent(sm).concat, (Concat{513, 2, 4}));
}

TEST(SimSubmitContentTest, MessagePayload) {
  auto sm = Submit({});
  const std::vector<uint8_t> septets = Septets("long text in the payload");
  smpp::AddMessagePayload(sm.tlvs, std::span<const uint8_t>(septets));
  const SubmitContent c = ReadSubmitContent(sm);
  EXPECT_TRUE(c.message_payload);
  EXPECT_EQ(c.text, "long text in the payload");
}

TEST(SimSubmitContentTest, UdhiWithoutAValidUdhKeepsTheWholeUserData) {
  const auto sm = Submit({0x09, 0x41}, 0x40, 0x04);
  const SubmitContent c = ReadSubmitContent(sm);
  EXPECT_FALSE(c.concat.has_value());
  EXPECT_EQ(c.text, "0941");
}

TEST(SimDecodeUserTextTest, ByDataCoding) {
  const std::vector<uint8_t> hi = {'h', 'i'};
  EXPECT_EQ(text::DecodeUserText(0x00, hi), "hi");
  EXPECT_EQ(text::DecodeUserText(0x01, hi), "hi");
  EXPECT_EQ(text::DecodeUserText(0x03, std::vector<uint8_t>{'c', 0xE9}), "c\xC3\xA9");
  EXPECT_EQ(text::DecodeUserText(0x08, std::vector<uint8_t>{0x00, 'h', 0x00, 'i'}), "hi");
  EXPECT_EQ(text::DecodeUserText(0x10, hi), "hi");                                          // flash GSM
  EXPECT_EQ(text::DecodeUserText(0x18, std::vector<uint8_t>{0x00, 'h', 0x00, 'i'}), "hi");  // flash UCS-2
  EXPECT_EQ(text::DecodeUserText(0x04, std::vector<uint8_t>{0xDE, 0xAD}), "dead");
  EXPECT_EQ(text::DecodeUserText(0x02, std::vector<uint8_t>{0x01}), "01");
}

TEST(SimRecordLineTest, HoldsEveryField) {
  const auto sm = Submit(WithUdh({0x05, 0x00, 0x03, 0x2A, 0x02, 0x02}, Septets("two")), 0x40);
  const Json line = Line({1'764'098'165'123, 3, 17, "1A2B3C4D", 0}, sm);
  EXPECT_EQ(line["t"], "2025-11-25T19:16:05.123Z");
  EXPECT_EQ(line["bind"], 3);
  EXPECT_EQ(line["seq"], 17);
  EXPECT_EQ(line["carrier_id"], "1A2B3C4D");
  EXPECT_EQ(line["status"], 0);
  EXPECT_EQ(line["source"], "14155550100");
  EXPECT_EQ(line["source_ton"], 1);
  EXPECT_EQ(line["source_npi"], 1);
  EXPECT_EQ(line["destination"], "442071838750");
  EXPECT_EQ(line["dest_ton"], 1);
  EXPECT_EQ(line["dest_npi"], 1);
  EXPECT_EQ(line["data_coding"], 0);
  EXPECT_EQ(line["esm_class"], 0x40);
  EXPECT_EQ(line["registered_delivery"], 1);
  EXPECT_EQ(line["validity_period"], "000002000000000R");
  EXPECT_EQ(line["udh"], (Json{{"ref", 42}, {"part", 2}, {"total", 2}}));
  EXPECT_EQ(line["text"], "two");
  EXPECT_EQ(line["message_payload"], false);
  EXPECT_EQ(line.size(), 18u);
}

TEST(SimRecordLineTest, NotAcceptedAndUnansweredAreNull) {
  const Json refused = Line({1, 1, 1, "", 0x58}, Submit(Septets("x")));
  EXPECT_TRUE(refused["carrier_id"].is_null());
  EXPECT_EQ(refused["status"], 0x58);
  EXPECT_TRUE(refused["udh"].is_null());
  const Json unanswered = Line({1, 1, 2, "", std::nullopt}, Submit(Septets("x")));
  EXPECT_TRUE(unanswered["status"].is_null());
}

TEST(SimRecordLineTest, EscapesQuotesControlsAndInvalidUtf8) {
  auto sm = Submit(Septets("say \"hi\"\nnow\\"));
  sm.source_addr = "ab\xFF\xC3";
  const Json line = Line({1, 1, 1, "9", 0}, sm);
  EXPECT_EQ(line["text"], "say \"hi\"\nnow\\");
  EXPECT_EQ(line["source"], "ab\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SimAppendJsonStringTest, KeepsValidUtf8) {
  std::string out;
  AppendJsonString(out, "\xE2\x82\xAC \xF0\x9F\x98\x80 \x01");
  EXPECT_EQ(out, "\"\xE2\x82\xAC \xF0\x9F\x98\x80 \\u0001\"");
  out.clear();
  AppendJsonString(out, "\xED\xA0\x80");  // a UTF-16 surrogate written as UTF-8
  EXPECT_EQ(Json::parse(out), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SimRecordWriterTest, WritesOnFlushAndClose) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("sim-record-" + std::to_string(::getpid()))).string();
  {
    RecordWriter writer;
    ASSERT_TRUE(writer.Open(path).ok());
    writer.buffer() += "{\"a\":1}\n";
    writer.Appended();
    EXPECT_TRUE(writer.dirty());
    writer.Flush();
    EXPECT_FALSE(writer.dirty());
    writer.buffer() += "{\"a\":2}\n";
  }
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "{\"a\":1}\n{\"a\":2}\n");
  std::filesystem::remove(path);
}

TEST(SimRecordLineTest, HttpSendLine) {
  SendRequest send{"+14155550100", "+442071838750", "Héllo \"x\"", "msg_1", true, 3600};
  std::string out;
  AppendHttpRecordLine(out,
                       HttpRecordMeta{1'764'098'165'123, 3, "68E4A2B1000003", 200,
                                      R"({"message_id":"68E4A2B1000003"})"},
                       send);
  ASSERT_EQ(out.find('\n'), out.size() - 1);
  EXPECT_EQ(out,
            R"({"t":"2025-11-25T19:16:05.123Z","via":"http","conn":3,"carrier_id":"68E4A2B1000003",)"
            R"("status":200,"answer":{"message_id":"68E4A2B1000003"},"from":"+14155550100",)"
            R"("to":"+442071838750","text":"Héllo \"x\"","reference":"msg_1","receipt":true,)"
            R"("validity_s":3600})"
            "\n");

  // Not answered (a black hole), no reference, no validity.
  send.reference.reset();
  send.validity_s.reset();
  send.receipt = false;
  out.clear();
  AppendHttpRecordLine(out, HttpRecordMeta{1'764'098'165'123, 1, "", std::nullopt, ""}, send);
  const Json line = Json::parse(out);
  EXPECT_TRUE(line["carrier_id"].is_null());
  EXPECT_TRUE(line["status"].is_null());
  EXPECT_TRUE(line["answer"].is_null());
  EXPECT_TRUE(line["reference"].is_null());
  EXPECT_TRUE(line["validity_s"].is_null());
  EXPECT_EQ(line["receipt"], false);
}

TEST(SimRecordWriterTest, OpenFailsWithAReason) {
  RecordWriter writer;
  Status s = writer.Open("/nonexistent-dir/record.jsonl");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "record_open");
}

}  // namespace
}  // namespace deliverer::sim
