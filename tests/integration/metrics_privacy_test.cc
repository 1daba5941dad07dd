// /metrics is read by whoever runs the monitoring, so it holds no personal data
// (docs/security.md): after traffic that carries numbers, bodies, client references,
// callback URLs and keys through every path that counts something (sending, reading,
// suppressing, refused keys, webhooks, carrier callbacks, subscriber replies), the
// exposition names none of them, in any spelling.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kMetricsCarrierToken = "metrics-carrier-callback-token";

// A number as producers and carriers write it, and its national significant number: every
// other spelling (E.164, bare digits, 00-prefixed, percent-encoded '+', national with a
// trunk 0) holds the latter.
struct Number {
  const char* e164;
  const char* national;
};
constexpr Number kDestination{"+442071838791", "2071838791"};
constexpr Number kSecondDestination{"+33612345691", "612345691"};
constexpr Number kSenderNumber{"+14155550177", "4155550177"};
constexpr Number kSuppressed{"+4915123456791", "15123456791"};
constexpr Number kCallbackSubscriber{"+447911123461", "7911123461"};
constexpr Number kMoSubscriber{"+447911123462", "7911123462"};
constexpr Number kInvalid{"+44207183879199999", "207183879199999"};  // too long

constexpr const char* kBody = "Orchid-quartz 5521: your table is ready";
constexpr const char* kClientRef = "client-ref-walnut-8812";
constexpr const char* kCallbackQueryToken = "cbtoken-juniper-4471";

std::string MetricsCarrier(uint16_t port) {
  return OneCarrier(port, std::string("dlr_token = \"") + kMetricsCarrierToken + "\"");
}

HttpResponse CarrierCallback(const DelivererProcess& server, const std::string& kind, const Json& body) {
  return server.Send("POST", "/v1/" + kind + "/sim-a", {{"X-Carrier-Token", kMetricsCarrierToken}}, body.dump(),
                     "application/json");
}

// Every `needle` found in `exposition`, with the line that holds it.
std::vector<std::string> Leaks(const std::string& exposition, const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  for (const std::string& needle : needles) {
    const size_t at = exposition.find(needle);
    if (at == std::string::npos) continue;
    const size_t from = exposition.rfind('\n', at) + 1;  // npos + 1 = 0 on the first line
    found.push_back(needle + " in: " + exposition.substr(from, exposition.find('\n', at) - from));
  }
  return found;
}

TEST(MetricsPrivacyTest, MetricsHoldNoNumberBodyClientRefKeyOrCallbackUrl) {
  SimProcess sim;
  WebhookReceiver receiver;
  DelivererProcess server(std::string(kFastDelivery) + "\n[security]\nallow_private_callbacks = true\n",
                          MetricsCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", "messages:send,messages:read,suppressions:write");
  const std::string admin = server.CreateKey("ops", "admin");
  const std::string taken_url = receiver.Url() + Query({{"order", kClientRef}, {"token", kCallbackQueryToken}});
  const std::string refused_url = "http://127.0.0.1:1/refused" + Query({{"token", kCallbackQueryToken}});

  // Sent, delivered, reported to a webhook that takes it and to one that refuses it.
  std::vector<std::string> ids;
  for (const std::string& callback_url : {taken_url, refused_url}) {
    Json message = {{"from", kSenderNumber.e164}, {"to", kDestination.e164}, {"body", kBody},
                    {"client_ref", kClientRef}, {"callback_url", callback_url}};
    ids.push_back(Send(server, key, message));
  }
  ids.push_back(Send(server, key, FromDeliverer(kSecondDestination.e164, kBody)));
  ASSERT_EQ(AwaitTerminal(server, key, ids).size(), ids.size());
  ASSERT_TRUE(WaitFor([&] { return !receiver.Accepted().empty(); }, Millis(30'000)));

  // Read back, listed by number and reference; refused for a bad number and a bad key.
  EXPECT_TRUE(HasStatus(server.Get("/v1/messages/" + ids[0], key), 200));
  EXPECT_TRUE(HasStatus(
      server.Get("/v1/messages" + Query({{"to", kDestination.e164}, {"client_ref", kClientRef}}), key), 200));
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", Message(kInvalid.e164, kBody), key), 400, "invalid_destination"));
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", Message(kTo, kBody), WithWrongSecret(key)), 401,
                        "unauthenticated"));
  EXPECT_TRUE(IsProblem(server.Get("/v1/messages" + Query({{"to", kDestination.e164}}), WithWrongSecret(admin)),
                        401, "unauthenticated"));

  // Suppressed by the producer, and refused for it.
  EXPECT_TRUE(HasStatus(server.Put("/v1/suppressions/" + std::string(kSuppressed.e164), {{"reason", "asked"}}, key),
                        200));
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", Message(kSuppressed.e164, kBody), key), 422,
                        "recipient_suppressed"));

  // Carrier callbacks naming numbers: a receipt, an inbound STOP, a refused one; and an
  // MO over SMPP, whose confirmation goes out to the subscriber.
  const std::vector<Json> record = sim.RecordLines();
  ASSERT_FALSE(record.empty());
  EXPECT_TRUE(HasStatus(CarrierCallback(server, "dlr", {{"carrier_message_id", StringField(record[0], "carrier_id")},
                                                        {"status", "DELIVRD"},
                                                        {"to", kDestination.e164}}),
                        200));
  EXPECT_TRUE(HasStatus(
      CarrierCallback(server, "inbound", {{"from", kCallbackSubscriber.e164}, {"to", "Deliverer"}, {"text", "STOP"}}),
      200));
  EXPECT_EQ(server.Send("POST", "/v1/inbound/sim-a", {{"X-Carrier-Token", "wrong"}},
                        Json{{"from", kCallbackSubscriber.e164}, {"to", "Deliverer"}, {"text", kBody}}.dump(),
                        "application/json")
                .status,
            401);
  ASSERT_EQ(sim.Post("/mo", {{"from", kMoSubscriber.e164}, {"to", "Deliverer"}, {"text", "STOP"}}).status, 200);
  ASSERT_TRUE(WaitFor([&] { return server.Get("/v1/admin/inbound", admin).json["data"].size() == 2; },
                      Millis(15'000)));
  ASSERT_TRUE(WaitFor([&] { return Metric(server, "deliverer_compliance_replies_total") >= 2; }, Millis(30'000)));

  HttpResponse metrics = server.Get("/metrics");
  ASSERT_TRUE(HasStatus(metrics, 200));
  ASSERT_NE(metrics.body.find("deliverer_messages_delivered_total"), std::string::npos) << "nothing to scan";
  std::vector<std::string> needles = {kBody, "Orchid-quartz", kClientRef, kCallbackQueryToken, taken_url,
                                      refused_url, receiver.Url(), key, KeySecret(key), admin,
                                      KeySecret(admin), KeySecret(WithWrongSecret(key))};
  for (const Number& n : {kDestination, kSecondDestination, kSenderNumber, kSuppressed, kCallbackSubscriber,
                          kMoSubscriber, kInvalid}) {
    needles.push_back(n.e164);
    needles.push_back(n.national);
  }
  EXPECT_EQ(Leaks(metrics.body, needles), std::vector<std::string>{});
}

}  // namespace
}  // namespace deliverer::integration
