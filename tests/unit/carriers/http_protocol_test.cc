// The HTTP carrier API as configured: request bodies in both formats with renamed and
// omitted fields, ids at dotted paths, and what each answer means.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "carriers/http/http_protocol.h"

namespace deliverer::carriers::http {
namespace {

using Kind = SubmitReport::Kind;
using receipts::CarrierIdMatch;

CarrierSubmit Sample() {
  CarrierSubmit s;
  s.message_id = "msg_1";
  s.from = "Acme";
  s.to = "+447700900123";
  s.text = "Héllo & bye = 😀";
  s.validity_s = 600;
  return s;
}

TEST(HttpProtocolTest, JsonBodyHasTheDefaultFieldNames) {
  config::HttpCarrierConfig api;
  auto body = nlohmann::json::parse(BuildBody(api, Sample()));
  EXPECT_EQ(body["from"], "Acme");
  EXPECT_EQ(body["to"], "+447700900123");
  EXPECT_EQ(body["text"], "Héllo & bye = 😀");
  EXPECT_EQ(body["reference"], "msg_1");
  EXPECT_EQ(body["receipt"], true);
  EXPECT_EQ(body["validity_s"], 600);
  EXPECT_EQ(ContentType(api), "application/json");
}

TEST(HttpProtocolTest, RenamedFieldsAndEmptyNamesLeftOut) {
  config::HttpCarrierConfig api;
  api.fields.to = "msisdn";
  api.fields.text = "message";
  api.fields.reference = "";
  api.fields.validity_s = "";
  auto body = nlohmann::json::parse(BuildBody(api, Sample()));
  EXPECT_EQ(body["msisdn"], "+447700900123");
  EXPECT_EQ(body["message"], "Héllo & bye = 😀");
  EXPECT_FALSE(body.contains("reference"));
  EXPECT_FALSE(body.contains("validity_s"));
  EXPECT_FALSE(body.contains("to"));
}

TEST(HttpProtocolTest, FormBodyIsPercentEncoded) {
  config::HttpCarrierConfig api;
  api.format = "form";
  CarrierSubmit s = Sample();
  s.want_receipt = false;
  s.validity_s = 0;  // the carrier's default: not sent
  EXPECT_EQ(BuildBody(api, s),
            "from=Acme&to=%2B447700900123&text=H%C3%A9llo%20%26%20bye%20%3D%20%F0%9F%98%80"
            "&reference=msg_1&receipt=0");
  EXPECT_EQ(ContentType(api), "application/x-www-form-urlencoded");
}

TEST(HttpProtocolTest, JsonValueAtFollowsObjectsAndArrays) {
  const std::string doc = R"({"data":[{"id":"a1"},{"id":42}],"error":{"code":"E7"},"ok":true})";
  EXPECT_EQ(JsonValueAt(doc, "data.0.id"), "a1");
  EXPECT_EQ(JsonValueAt(doc, "data.1.id"), "42");
  EXPECT_EQ(JsonValueAt(doc, "error.code"), "E7");
  EXPECT_EQ(JsonValueAt(doc, "data.2.id"), std::nullopt);
  EXPECT_EQ(JsonValueAt(doc, "data.x"), std::nullopt);
  EXPECT_EQ(JsonValueAt(doc, "ok"), std::nullopt);  // neither string nor number
  EXPECT_EQ(JsonValueAt("not json", "id"), std::nullopt);
}

TEST(HttpProtocolTest, TwoHundredWithIdIsAcceptedForTheWholeMessage) {
  config::HttpCarrierConfig api;
  SubmitReport r = Classify(api, CarrierIdMatch::kAuto, 200, R"({"message_id":"00ab12"})", "m");
  EXPECT_EQ(r.kind, Kind::kAccepted);
  ASSERT_EQ(r.accepted.size(), 1u);
  EXPECT_EQ(r.accepted[0].index, AcceptedSegment::kWholeMessage);
  EXPECT_EQ(r.accepted[0].carrier_id, "00ab12");
  // The key receipts are matched by: the same normalisation as SMPP ids.
  EXPECT_EQ(r.accepted[0].match_key,
            receipts::NormalizeCarrierId("00ab12", receipts::SubmitRespIdForm(CarrierIdMatch::kAuto)));
}

TEST(HttpProtocolTest, TwoHundredWithoutIdIsSentUnderAKeyNoReceiptMatches) {
  config::HttpCarrierConfig api;
  SubmitReport r = Classify(api, CarrierIdMatch::kAuto, 202, R"({"queued":true})", "msg_9");
  EXPECT_EQ(r.kind, Kind::kAccepted);  // never resent: it may well be on its way
  ASSERT_EQ(r.accepted.size(), 1u);
  EXPECT_EQ(r.accepted[0].match_key, "no-id:msg_9");
  EXPECT_EQ(r.accepted[0].carrier_id, "");
}

struct AnswerCase {
  int status;
  std::string body;
  Kind kind;
  std::string carrier_code;
};

class AnswerTest : public testing::TestWithParam<AnswerCase> {};

TEST_P(AnswerTest, MapsStatusToKind) {
  config::HttpCarrierConfig api;
  const AnswerCase& c = GetParam();
  SubmitReport r = Classify(api, CarrierIdMatch::kAuto, c.status, c.body, "m");
  EXPECT_EQ(r.kind, c.kind) << c.status;
  EXPECT_EQ(r.carrier_code, c.carrier_code);
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, AnswerTest,
    testing::Values(AnswerCase{400, R"({"error":"invalid_destination"})", Kind::kPermanent, "400/invalid_destination"},
                    AnswerCase{422, "", Kind::kPermanent, "422"},
                    // Credentials, configuration and overload are the carrier's side: retried.
                    AnswerCase{401, R"({"error":"unauthorized"})", Kind::kTransient, "401/unauthorized"},
                    AnswerCase{404, "", Kind::kTransient, "404"},
                    AnswerCase{429, R"({"error":"throttled"})", Kind::kTransient, "429/throttled"},
                    AnswerCase{503, R"({"error":"temporarily_unavailable","code":"0x58"})", Kind::kTransient,
                               "503/temporarily_unavailable"},
                    AnswerCase{302, "", Kind::kTransient, "302"}));

TEST(HttpProtocolTest, PermanentStatusesAreConfigurable) {
  config::HttpCarrierConfig api;
  api.permanent_statuses = {404};
  EXPECT_EQ(Classify(api, CarrierIdMatch::kAuto, 404, "", "m").kind, Kind::kPermanent);
  EXPECT_EQ(Classify(api, CarrierIdMatch::kAuto, 400, "", "m").kind, Kind::kTransient);
}

}  // namespace
}  // namespace deliverer::carriers::http
