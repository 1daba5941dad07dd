// The HTTP carrier's wire format: POST /send bodies in, answers and receipt bodies out
// (docs/simulator.md "HTTP carrier"), byte for byte where the contract fixes them.
#include "sim/http_wire.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/http_receipts.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

constexpr const char* kJson = "application/json";
constexpr const char* kForm = "application/x-www-form-urlencoded";

Error Refusal(std::string_view content_type, std::string_view body) {
  auto parsed = ParseSendRequest(content_type, body);
  EXPECT_FALSE(parsed.ok()) << body;
  return parsed.ok() ? Error{} : parsed.error();
}

TEST(SimHttpWireTest, JsonWithEveryField) {
  auto r = ParseSendRequest(kJson, R"({"from":"+14155550100","to":"+442071838750",
      "text":"Héllo 👋","reference":"msg_1","receipt":false,"validity_s":3600})");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->from, "+14155550100");
  EXPECT_EQ(r->to, "+442071838750");
  EXPECT_EQ(r->text, "Héllo 👋");
  EXPECT_EQ(r->reference, "msg_1");
  EXPECT_FALSE(r->receipt);
  EXPECT_EQ(r->validity_s, 3600u);
}

TEST(SimHttpWireTest, JsonDefaultsAndUnknownKeysIgnored) {
  auto r = ParseSendRequest("Application/JSON; charset=utf-8",
                            R"({"from":"Acme","to":"+442071838750","text":"","extra":[1]})");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->reference, std::nullopt);
  EXPECT_TRUE(r->receipt);
  EXPECT_EQ(r->validity_s, std::nullopt);
}

TEST(SimHttpWireTest, FormWithEveryField) {
  auto r = ParseSendRequest(
      kForm, "from=%2B14155550100&to=%2B442071838750&text=Hi+there%21+%C3%A9&reference=m-2"
             "&receipt=0&validity_s=60");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->from, "+14155550100");
  EXPECT_EQ(r->to, "+442071838750");
  EXPECT_EQ(r->text, "Hi there! é");
  EXPECT_EQ(r->reference, "m-2");
  EXPECT_FALSE(r->receipt);
  EXPECT_EQ(r->validity_s, 60u);
}

TEST(SimHttpWireTest, FormReceiptSpellings) {
  for (const auto& [value, expected] : {std::pair{"1", true}, std::pair{"true", true},
                                        std::pair{"0", false}, std::pair{"false", false}}) {
    auto r = ParseSendRequest(kForm, std::string("from=a&to=b&text=c&receipt=") + value);
    ASSERT_TRUE(r.ok()) << value;
    EXPECT_EQ(r->receipt, expected) << value;
  }
  EXPECT_EQ(Refusal(kForm, "from=a&to=b&text=c&receipt=yes").field, "receipt");
}

TEST(SimHttpWireTest, RefusalsNameTheField) {
  struct Case {
    const char* content_type;
    const char* body;
    const char* field;
  };
  for (const Case& c : {
           Case{kJson, R"({"to":"+442071838750","text":"x"})", "from"},
           Case{kJson, R"({"from":"","to":"+442071838750","text":"x"})", "from"},
           Case{kJson, R"({"from":"a","text":"x"})", "to"},
           Case{kJson, R"({"from":"a","to":"b"})", "text"},
           Case{kJson, R"({"from":"a","to":7,"text":"x"})", "to"},
           Case{kJson, R"({"from":"a","to":"b","text":"x","receipt":"true"})", "receipt"},
           Case{kJson, R"({"from":"a","to":"b","text":"x","validity_s":-1})", "validity_s"},
           Case{kJson, R"({"from":"a","to":"b","text":"x","reference":12})", "reference"},
           Case{kJson, R"({"from":"a","to":"b","text":)", ""},
           Case{kJson, R"(["from","to","text"])", ""},
           Case{kForm, "from=a&to=b", "text"},
           Case{kForm, "from=a&to=b&text=%G1", ""},
           Case{kForm, "from=a&to=b&text=x%2", ""},
           Case{kForm, "from=a&to=b&text=x&to=c", "to"},
           Case{kForm, "from=a&to=b&text=%FF", "text"},
           Case{kForm, "from=a&to=b&text=x&validity_s=1h", "validity_s"},
           Case{"text/plain", "from=a&to=b&text=x", ""},
           Case{"", R"({"from":"a","to":"b","text":"x"})", ""},
       }) {
    const Error e = Refusal(c.content_type, c.body);
    EXPECT_EQ(e.code, "invalid_request") << c.body;
    EXPECT_EQ(e.field, c.field) << c.body;
  }
}

TEST(SimHttpWireTest, FormPairs) {
  auto pairs = ParseForm("a=1&&b=&c&d=x+y%2b%26");
  ASSERT_TRUE(pairs);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x y+&"}};
  EXPECT_EQ(*pairs, expected);
  EXPECT_TRUE(ParseForm("")->empty());
  EXPECT_FALSE(ParseForm("a=%"));
}

TEST(SimHttpWireTest, BearerToken) {
  EXPECT_TRUE(BearerMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerMatches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cretX", "s3cret"));
  EXPECT_FALSE(BearerMatches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("", "s3cret"));
  EXPECT_TRUE(BearerMatches("", ""));
  EXPECT_TRUE(BearerMatches("Bearer anything", ""));
}

TEST(SimHttpWireTest, AnswersByDecision) {
  SubmitDecision d;
  EXPECT_EQ(SendAnswer(d, "68E4A2B1000003"),
            (WireAnswer{200, R"({"message_id":"68E4A2B1000003"})"}));
  d.kind = AnswerKind::kThrottled;
  d.status = 0x58;
  EXPECT_EQ(SendAnswer(d, ""), (WireAnswer{429, R"({"error":"throttled"})"}));
  d.kind = AnswerKind::kTransient;
  EXPECT_EQ(SendAnswer(d, ""),
            (WireAnswer{503, R"({"error":"temporarily_unavailable","code":"0x58"})"}));
  d.kind = AnswerKind::kPermanent;
  d.status = 0x0B;
  EXPECT_EQ(SendAnswer(d, ""),
            (WireAnswer{400, R"({"error":"invalid_destination","code":"0x0B"})"}));
  EXPECT_EQ(ErrorAnswer(401, "unauthorized"), (WireAnswer{401, R"({"error":"unauthorized"})"}));
}

TEST(SimHttpWireTest, Codes) {
  EXPECT_EQ(FormatCode(0x58), "0x58");
  EXPECT_EQ(FormatCode(0x08), "0x08");
  EXPECT_EQ(FormatCode(0x0B), "0x0B");
  EXPECT_EQ(FormatCode(0x400), "0x400");
}

TEST(SimHttpWireTest, ReceiptBodies) {
  constexpr int64_t kDone = 1'764'098'165'123;  // 2025-11-25T19:16:05.123Z
  EXPECT_EQ(ReceiptBody("68E4A2B1000003", 0, kDone),
            R"({"carrier_message_id":"68E4A2B1000003","status":"DELIVRD","error_code":"000",)"
            R"("done_at":"2025-11-25T19:16:05.123Z"})");
  const Json undeliv = Json::parse(ReceiptBody("42", 1, kDone));
  EXPECT_EQ(undeliv["status"], "UNDELIV");
  EXPECT_EQ(undeliv["error_code"], "001");
  EXPECT_EQ(Json::parse(ReceiptBody("42", 2, kDone))["error_code"], "027");  // EXPIRED
  EXPECT_EQ(Json::parse(ReceiptBody("42", 6, kDone))["error_code"], "000");  // ACCEPTD
}

TEST(SimHttpWireTest, InboundBody) {
  EXPECT_EQ(InboundBody("+447700900123", "12345", "STOP"),
            R"({"from":"+447700900123","to":"12345","text":"STOP"})");
}

TEST(SimHttpWireTest, ReceiptBackoffDoublesUpToItsCap) {
  using std::chrono::milliseconds;
  EXPECT_EQ(HttpReceiptDesk::Backoff(1), milliseconds(200));
  EXPECT_EQ(HttpReceiptDesk::Backoff(2), milliseconds(400));
  EXPECT_EQ(HttpReceiptDesk::Backoff(5), milliseconds(3200));
  EXPECT_EQ(HttpReceiptDesk::Backoff(6), milliseconds(5000));
  EXPECT_EQ(HttpReceiptDesk::Backoff(40), milliseconds(5000));
}

}  // namespace
}  // namespace deliverer::sim
