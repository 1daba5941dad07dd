// Smart encoding end to end (docs/api.md "Smart encoding"): the 202 and GET report what is
// sent, the simulator receives the replaced GSM-7 text, and the account default
// ([accounts.<account>]) and batch items behave like the single request.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

// 95 characters: 2 segments in UCS-2, 1 in GSM-7 once the quotes are straightened.
const std::string kCurly = "\u201CHello\u201D, it\u2019s your code: " + Repeat("1234567890", 7);
const std::string kReplaced = "\"Hello\", it's your code: " + Repeat("1234567890", 7);

Json Smart(const std::string& to, const Json& smart_encoding) {
  Json message = FromDeliverer(to, kCurly);
  message["smart_encoding"] = smart_encoding;
  return message;
}

// The simulator's record lines by destination ("447…", without the '+').
std::map<std::string, std::vector<Json>> ByDestination(const std::vector<Json>& record) {
  std::map<std::string, std::vector<Json>> out;
  for (const Json& line : record) out[StringField(line, "destination")].push_back(line);
  return out;
}

TEST(SmartEncodingDeliveryTest, CurlyQuotesGoOutAsOneGsm7SegmentInsteadOfTwoUcs2Ones) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string smart_to = "+447911123401", plain_to = "+447911123402";

  HttpResponse smart = server.Post("/v1/messages", Smart(smart_to, true), key);
  ASSERT_TRUE(HasStatus(smart, 202));
  EXPECT_EQ(smart.json["encoding"], "gsm7");
  EXPECT_EQ(smart.json["segments"], 1);
  HttpResponse plain = server.Post("/v1/messages", FromDeliverer(plain_to, kCurly), key);
  ASSERT_TRUE(HasStatus(plain, 202));
  EXPECT_EQ(plain.json["encoding"], "ucs2");
  EXPECT_EQ(plain.json["segments"], 2);

  for (const HttpResponse* sent : {&smart, &plain}) {
    const Json final = AwaitFinal(server, key, StringField(sent->json, "message_id"));
    ASSERT_TRUE(final.is_object());
    EXPECT_EQ(final["status"], "delivered");
    EXPECT_EQ(final["encoding"], sent->json["encoding"]) << "GET reports what was sent";
    EXPECT_EQ(final["segments"], sent->json["segments"]);
    EXPECT_FALSE(final.contains("body")) << "the stored body is never returned";
  }

  auto record = ByDestination(sim.RecordLines());
  const std::vector<Json>& smart_lines = record[smart_to.substr(1)];
  ASSERT_EQ(smart_lines.size(), 1u) << "one submit_sm";
  Json line = smart_lines[0];  // a copy: reading a missing member of it gives null
  EXPECT_EQ(line["data_coding"], 0) << "GSM-7";
  EXPECT_TRUE(line["udh"].is_null());
  EXPECT_EQ(StringField(line, "text"), kReplaced);

  const std::vector<Json>& plain_lines = record[plain_to.substr(1)];
  ASSERT_EQ(plain_lines.size(), 2u) << "two submit_sm";
  std::string joined;
  for (Json part : plain_lines) {
    EXPECT_EQ(part["data_coding"], 8) << "UCS-2";
    joined += StringField(part, "text");
  }
  EXPECT_EQ(joined, kCurly) << "sent as written";
}

TEST(SmartEncodingDeliveryTest, AnAccountDefaultAppliesToRequestsAndBatchItemsThatDoNotSay) {
  DelivererProcess server("[accounts.acme]\nsmart_encoding = true\n");
  const std::string acme = server.CreateKey("acme", kSendRead);
  const std::string other = server.CreateKey("other", kSendRead);
  auto expect_sent_as = [](const Json& answer, const char* encoding, int segments) {
    EXPECT_EQ(answer["encoding"], encoding) << answer.dump();
    EXPECT_EQ(answer["segments"], segments) << answer.dump();
  };

  HttpResponse r = server.Post("/v1/messages", FromDeliverer(kTo, kCurly), acme);
  ASSERT_TRUE(HasStatus(r, 202));
  expect_sent_as(r.json, "gsm7", 1);
  r = server.Post("/v1/messages", Smart(kTo, false), acme);
  ASSERT_TRUE(HasStatus(r, 202));
  expect_sent_as(r.json, "ucs2", 2);
  r = server.Post("/v1/messages", FromDeliverer(kTo, kCurly), other);
  ASSERT_TRUE(HasStatus(r, 202));
  expect_sent_as(r.json, "ucs2", 2);
  const HttpResponse stored =
      server.Get("/v1/messages/" + StringField(r.json, "message_id"), other);
  ASSERT_TRUE(HasStatus(stored, 200));
  expect_sent_as(stored.json, "ucs2", 2);

  r = server.Post("/v1/messages/batch",
                  {{"messages", Json::array({Smart(kTo, true), FromDeliverer(kTo, kCurly),
                                             Smart(kTo, "yes")})}},
                  other);
  ASSERT_TRUE(HasStatus(r, 207));
  const Json& results = r.json["results"];
  ASSERT_TRUE(results.is_array() && results.size() == 3) << r;
  EXPECT_EQ(results[0]["status"], 202);
  expect_sent_as(results[0], "gsm7", 1);
  EXPECT_EQ(results[1]["status"], 202);
  expect_sent_as(results[1], "ucs2", 2);
  EXPECT_EQ(results[2]["status"], 400);
  EXPECT_EQ(results[2]["error"]["code"], "invalid_field") << r;
  EXPECT_EQ(results[2]["error"]["field"], "smart_encoding") << r;

  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", Smart(kTo, 1), acme), 400, "invalid_field",
                        "smart_encoding"));
}

}  // namespace
}  // namespace deliverer::integration
