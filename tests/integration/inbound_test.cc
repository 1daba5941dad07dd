// Inbound to producers end to end (docs/api.md "Inbound messages to producers"):
// `deliverer serve` against `deliverer sim`, MOs injected through the simulator, which
// sends a long text as several deliver_sm with a UDH; the account's inbound_url is a
// WebhookReceiver.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kAcmeNumber = "+447700900123";
constexpr const char* kUnassigned = "+447700900999";

std::string Config(const std::string& inbound_url) {
  return std::string(kFastDelivery) + "\n[security]\nallow_private_callbacks = true\n\n" +
         "[[numbers]]\nnumber = \"" + kAcmeNumber + "\"\naccount = \"acme\"\ninbound_url = \"" +
         inbound_url + "\"\n";
}

// Long enough for three GSM-7 segments (153 septets each).
std::string ThreePartText() {
  std::string text;
  for (int i = 0; text.size() < 400; ++i) text += "line " + std::to_string(i) + " of a long reply. ";
  return text;
}

std::vector<Json> Items(const HttpResponse& r) {
  EXPECT_TRUE(HasStatus(r, 200));
  return r.json.is_object() && r.json["data"].is_array() ? r.json["data"].get<std::vector<Json>>()
                                                         : std::vector<Json>{};
}

void Mo(const SimProcess& sim, const std::string& to, const std::string& text) {
  HttpResponse r = sim.Post("/mo", {{"from", kTo}, {"to", to}, {"text", text}});
  ASSERT_EQ(r.status, 200);
}

TEST(InboundTest, AThreePartMoArrivesAtTheAccountsWebhookAsOneSignedMessage) {
  WebhookReceiver receiver;
  SimProcess sim;
  DelivererProcess server(Config(receiver.Url()), OneCarrier(sim.SmppPort()));
  const std::string acme = server.CreateKey("acme", kSendRead);
  const std::string globex = server.CreateKey("globex", kSendRead);
  const std::string text = ThreePartText();
  Mo(sim, kAcmeNumber, text);
  ASSERT_TRUE(sim.WaitForStat("mo_sent", 3)) << "the simulator sent three parts";

  ASSERT_TRUE(WaitFor([&] { return !receiver.Accepted().empty(); }, Millis(30'000)));
  std::this_thread::sleep_for(Millis(500));  // a second call would come by now
  const std::vector<WebhookCall> calls = receiver.Accepted();
  ASSERT_EQ(calls.size(), 1u) << "one message, not three";
  const Json body = ParseObject(calls[0].body);
  EXPECT_TRUE(SignatureMatches(calls[0].signature, kSigningSecret, calls[0].body)) << calls[0].signature;
  EXPECT_EQ(StringField(body, "type"), "inbound");
  EXPECT_EQ(StringField(body, "text"), text);
  EXPECT_EQ(StringField(body, "from"), kTo);
  EXPECT_EQ(StringField(body, "to"), kAcmeNumber);
  EXPECT_EQ(StringField(body, "carrier"), "sim-a");
  EXPECT_FALSE(StringField(body, "event_id").empty());
  EXPECT_FALSE(StringField(body, "received_at").empty());
  EXPECT_EQ(body.size(), 8u) << body.dump();

  const std::vector<Json> own = Items(server.Get("/v1/inbound", acme));
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(StringField(own[0], "id"), StringField(body, "id"));
  EXPECT_EQ(StringField(own[0], "text"), text);
  EXPECT_TRUE(Items(server.Get("/v1/inbound", globex)).empty()) << "another account's never shows";
  EXPECT_EQ(Metric(server, "deliverer_inbound_forwarded_total"), 1);
  EXPECT_EQ(Metric(server, "deliverer_inbound_parts_pending"), 0);
}

TEST(InboundTest, AnMoToAnUnassignedNumberIsKeptForAdminsOnly) {
  WebhookReceiver receiver;
  SimProcess sim;
  DelivererProcess server(Config(receiver.Url()), OneCarrier(sim.SmppPort()));
  const std::string acme = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");
  Mo(sim, kUnassigned, "Hello, anyone?");
  std::vector<Json> seen;
  ASSERT_TRUE(WaitFor([&] { return !(seen = Items(server.Get("/v1/admin/inbound", admin))).empty(); },
                      Millis(30'000)));
  EXPECT_EQ(StringField(seen[0], "text"), "Hello, anyone?");
  EXPECT_TRUE(seen[0]["account"].is_null());
  EXPECT_TRUE(Items(server.Get("/v1/inbound", acme)).empty());
  EXPECT_TRUE(Items(server.Get("/v1/inbound", admin)).empty()) << "the admin's own account has none";
  EXPECT_TRUE(receiver.Calls().empty());
}

TEST(InboundTest, AStopSplitAcrossPartsStillOptsOut) {
  WebhookReceiver receiver;
  SimProcess sim;
  DelivererProcess server(Config(receiver.Url()), OneCarrier(sim.SmppPort()));
  const std::string admin = server.CreateKey("ops", "admin");
  // The keyword straddles the first two parts ("…ST" | "OP…"): neither part alone is one.
  const std::string text = std::string(151, ' ') + "STOP" + std::string(160, ' ');
  Mo(sim, kAcmeNumber, text);
  ASSERT_TRUE(sim.WaitForStat("mo_sent", 3));
  std::vector<Json> stops;
  ASSERT_TRUE(WaitFor([&] {
    return !(stops = Items(server.Get("/v1/admin/inbound?flag=opt_out", admin))).empty();
  }, Millis(30'000)));
  EXPECT_EQ(StringField(stops[0], "text"), text);
  EXPECT_EQ(StringField(stops[0], "account"), "acme");
  EXPECT_EQ(Items(server.Get("/v1/admin/inbound", admin)).size(), 1u) << "one message, not three";
}

}  // namespace
}  // namespace deliverer::integration
