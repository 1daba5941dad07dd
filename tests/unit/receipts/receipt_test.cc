// Delivery receipts as carriers really send them: the text form (the TLV form is in
// tests/unit/smpp/deliver_receipt_test.cc).
#include "receipts/receipt.h"

#include <gtest/gtest.h>

namespace deliverer::receipts {
namespace {

using State = MessageState;

struct Variant {
  std::string_view name;
  std::string_view text;
  std::string_view id;
  State state;
  std::string_view stat;
  std::string_view err;
  std::optional<ReceiptTime> submit;
  std::optional<ReceiptTime> done;
  std::string_view body;  // text:
};

constexpr ReceiptTime kSubmit{2025, 1, 2, 12, 34, 0};
constexpr ReceiptTime kDone{2025, 1, 2, 12, 35, 0};

const Variant kVariants[] = {
    {"appendix_b",
     "id:0123456789 sub:001 dlvrd:001 submit date:2501021234 "
     "done date:2501021235 stat:DELIVRD err:000 text:Hello world",
     "0123456789", State::kDelivered, "DELIVRD", "000", kSubmit, kDone, "Hello world"},
    {"lowercase_stat",
     "id:abc123 sub:001 dlvrd:001 submit date:2501021234 "
     "done date:2501021235 stat:delivrd err:000 text:hi",
     "abc123", State::kDelivered, "delivrd", "000", kSubmit, kDone, "hi"},
    {"uppercase_keys",
     "ID:42 SUB:001 DLVRD:000 SUBMIT DATE:2501021234 DONE DATE:2501021235 "
     "STAT:UNDELIV ERR:001 TEXT:x",
     "42", State::kUndeliverable, "UNDELIV", "001", kSubmit, kDone, "x"},
    {"mixed_case",
     "Id:42 Sub:001 Dlvrd:000 Submit Date:2501021234 Done Date:2501021235 "
     "Stat:Expired Err:0 Text:",
     "42", State::kExpired, "Expired", "0", kSubmit, kDone, ""},
    {"underscored_dates",
     "id:99 sub:001 dlvrd:001 submit_date:2501021234 "
     "done_date:2501021235 stat:DELIVERED err:000",
     "99", State::kDelivered, "DELIVERED", "000", kSubmit, kDone, ""},
    {"dates_with_seconds",
     "id:7 sub:001 dlvrd:001 submit date:250102123456 "
     "done date:250102123559 stat:DELIVRD err:000 text:",
     "7", State::kDelivered, "DELIVRD", "000", ReceiptTime{2025, 1, 2, 12, 34, 56},
     ReceiptTime{2025, 1, 2, 12, 35, 59}, ""},
    {"no_spaces",
     "id:5sub:001dlvrd:001submit date:2501021234done date:2501021235"
     "stat:REJECTDerr:0text:",
     "5", State::kRejected, "REJECTD", "0", kSubmit, kDone, ""},
    {"extra_spaces",
     "id: 123  sub: 001  dlvrd: 001  submit  date: 2501021234  "
     "done date : 2501021235  stat : DELIVRD  err : 000  text : hello there ",
     "123", State::kDelivered, "DELIVRD", "000", kSubmit, kDone, "hello there"},
    {"any_order",
     "stat:EXPIRED err:027 id:ABCDEF done date:2501021235 "
     "submit date:2501021234 sub:001 dlvrd:000",
     "ABCDEF", State::kExpired, "EXPIRED", "027", kSubmit, kDone, ""},
    {"fields_missing", "id:1234 stat:ACCEPTD", "1234", State::kAccepted, "ACCEPTD", "",
     std::nullopt, std::nullopt, ""},
    {"hex_id_with_prefix", "id:0x1A2B sub:001 dlvrd:001 stat:DELIVRD err:000", "0x1A2B",
     State::kDelivered, "DELIVRD", "000", std::nullopt, std::nullopt, ""},
    {"uuid_id", "id:6f1ed002-ab5d-4d6b-9a1b-3c4f0b6d7e8f sub:001 dlvrd:001 stat:DELIVRD",
     "6f1ed002-ab5d-4d6b-9a1b-3c4f0b6d7e8f", State::kDelivered, "DELIVRD", "", std::nullopt,
     std::nullopt, ""},
    {"enroute",
     "id:1 sub:001 dlvrd:000 submit date:2501021234 done date:2501021235 "
     "stat:ENROUTE err:000 text:",
     "1", State::kEnroute, "ENROUTE", "000", kSubmit, kDone, ""},
    {"deleted", "id:2 stat:DELETED err:000", "2", State::kDeleted, "DELETED", "000", std::nullopt,
     std::nullopt, ""},
    {"unknown_stat_word", "id:3 stat:UNKNOWN err:000", "3", State::kUnknown, "UNKNOWN", "000",
     std::nullopt, std::nullopt, ""},
    {"unrecognised_stat", "id:3 stat:FAILED err:069", "3", State::kUnknown, "FAILED", "069",
     std::nullopt, std::nullopt, ""},
    {"long_forms", "id:4 stat:UNDELIVERABLE", "4", State::kUndeliverable, "UNDELIVERABLE", "",
     std::nullopt, std::nullopt, ""},
    {"undelivered", "id:4 stat:Undelivered err:001", "4", State::kUndeliverable, "Undelivered",
     "001", std::nullopt, std::nullopt, ""},
    {"rejected_long", "id:8 stat:REJECTED", "8", State::kRejected, "REJECTED", "", std::nullopt,
     std::nullopt, ""},
    {"numeric_stat", "id:9 stat:2", "9", State::kDelivered, "2", "", std::nullopt, std::nullopt,
     ""},
    {"bad_dates", "id:10 submit date:2513311299 done date:25010212 stat:DELIVRD", "10",
     State::kDelivered, "DELIVRD", "", std::nullopt, std::nullopt, ""},
    {"keys_inside_text", "id:11 stat:UNDELIV err:1 text:re id:999 stat:DELIVRD", "11",
     State::kUndeliverable, "UNDELIV", "1", std::nullopt, std::nullopt, "re id:999 stat:DELIVRD"},
    {"text_before_other_fields", "text:hello id:12 stat:DELIVRD", "12", State::kDelivered,
     "DELIVRD", "", std::nullopt, std::nullopt, "hello"},
    {"tabs_and_crlf", "id:13\tstat:DELIVRD\r\nerr:000", "13", State::kDelivered, "DELIVRD", "000",
     std::nullopt, std::nullopt, ""},
    {"trailing_nul", std::string_view("id:14 stat:EXPIRED err:000 text:bye\0", 36), "14",
     State::kExpired, "EXPIRED", "000", std::nullopt, std::nullopt, "bye"},
    {"leading_zero_id", "id:0006699 stat:DELIVRD", "0006699", State::kDelivered, "DELIVRD", "",
     std::nullopt, std::nullopt, ""},
};

TEST(ReceiptText, RealWorldVariants) {
  ASSERT_GE(std::size(kVariants), 15u);
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(std::string(v.name));
    auto receipt = ParseReceiptText(v.text);
    ASSERT_TRUE(receipt.ok()) << receipt.error().detail;
    EXPECT_EQ(receipt->message_id, v.id);
    EXPECT_EQ(receipt->text_id, v.id);
    EXPECT_EQ(receipt->state, v.state);
    EXPECT_EQ(receipt->stat, v.stat);
    EXPECT_EQ(receipt->err, v.err);
    EXPECT_EQ(receipt->submit_date, v.submit);
    EXPECT_EQ(receipt->done_date, v.done);
    EXPECT_EQ(receipt->text, v.body);
  }
}

TEST(ReceiptText, SubAndDlvrdKeptRaw) {
  auto receipt = ParseReceiptText("id:1 sub:001 dlvrd:000 stat:DELIVRD");
  EXPECT_EQ(receipt->sub, "001");
  EXPECT_EQ(receipt->dlvrd, "000");
}

TEST(ReceiptText, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  std::string text = "id:5\xC3 sub:\xFF" "01 stat:DELIVRD err:0\xE9\x80 text:caf\xE9 \x80\xFF";
  auto receipt = ParseReceiptText(text);
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->state, MessageState::kDelivered);
  EXPECT_EQ(receipt->message_id, "5\uFFFD");
  EXPECT_EQ(receipt->sub, "\uFFFD" "01");
  EXPECT_EQ(receipt->err, "0\uFFFD\uFFFD");
  EXPECT_EQ(receipt->text, "caf\uFFFD \uFFFD\uFFFD");
}

TEST(ReceiptText, LongFieldsAreCut) {
  const std::string text = "id:" + std::string(500, '7') + " stat:" + std::string(100, 'D') + " err:" +
                           std::string(100, '1');
  auto receipt = ParseReceiptText(text);
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->message_id, std::string(kMaxReceiptIdBytes, '7'));
  EXPECT_EQ(receipt->stat.size(), kMaxReceiptCodeBytes);
  EXPECT_EQ(receipt->err.size(), kMaxReceiptCodeBytes);
}

TEST(ReceiptText, NoIdIsAnError) {
  for (std::string_view text : {"", "stat:DELIVRD err:000", "id: stat:DELIVRD", "garbage"}) {
    auto receipt = ParseReceiptText(text);
    ASSERT_FALSE(receipt.ok()) << text;
    EXPECT_EQ(receipt.error().code, "receipt_no_id");
  }
}

TEST(ReceiptText, ReadKeepsTheOctetsAndFinishMakesThemSafe) {
  Receipt receipt = ReadReceiptText("id:5\xC3 stat:DELIVRD err:0\xE9");
  EXPECT_EQ(receipt.message_id, "5\xC3");
  EXPECT_EQ(receipt.text_id, "5\xC3");
  EXPECT_EQ(receipt.err, "0\xE9");
  EXPECT_EQ(receipt.state, State::kDelivered);
  ASSERT_TRUE(FinishReceipt(receipt).ok());
  EXPECT_EQ(receipt.message_id, "5\uFFFD");
  EXPECT_EQ(receipt.err, "0\uFFFD");
}

TEST(ReceiptText, FinishWantsAnId) {
  Receipt receipt = ReadReceiptText("id:  stat:DELIVRD");
  Status finished = FinishReceipt(receipt);
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().code, "receipt_no_id");
  receipt.message_id = "from elsewhere";  // as smpp/deliver_receipt.h does with a TLV's id
  EXPECT_TRUE(FinishReceipt(receipt).ok());
}

TEST(ReceiptState, ParseStatForms) {
  EXPECT_EQ(ParseStat("DELIVRD"), State::kDelivered);
  EXPECT_EQ(ParseStat("Delivered"), State::kDelivered);
  EXPECT_EQ(ParseStat("acceptd"), State::kAccepted);
  EXPECT_EQ(ParseStat("ACCEPTED"), State::kAccepted);
  EXPECT_EQ(ParseStat("REJECTD"), State::kRejected);
  EXPECT_EQ(ParseStat("UNDELIV"), State::kUndeliverable);
  EXPECT_EQ(ParseStat("DELIV"), State::kUnknown);
  EXPECT_EQ(ParseStat(""), State::kUnknown);
}

TEST(ReceiptTime, Forms) {
  EXPECT_EQ(ParseReceiptTime("2501021234"), kSubmit);
  EXPECT_EQ(ParseReceiptTime("991231235959"), (ReceiptTime{2099, 12, 31, 23, 59, 59}));
  EXPECT_EQ(ParseReceiptTime("2501021260"), std::nullopt);   // minute 60
  EXPECT_EQ(ParseReceiptTime("2500021234"), std::nullopt);   // month 0
  EXPECT_EQ(ParseReceiptTime("25010212345"), std::nullopt);  // 11 digits
  EXPECT_EQ(ParseReceiptTime("25-1021234"), std::nullopt);
}

}  // namespace
}  // namespace deliverer::receipts
