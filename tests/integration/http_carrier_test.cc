// The HTTP carrier connector end to end: `deliverer serve` with an http carrier against
// `deliverer sim --http-port`, receipts coming back to POST /v1/dlr/{carrier}.
#include <gtest/gtest.h>

#include <set>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kCarrierToken = "carrier-api-token";
constexpr const char* kDlrToken = "carrier-dlr-token";

std::string HttpCarrierToml(const std::string& id, uint16_t port, const std::string& extra = "") {
  return "[[carriers]]\nid = \"" + id + "\"\nprotocol = \"http\"\nurl = \"http://127.0.0.1:" +
         std::to_string(port) + "/send\"\ntoken = \"" + kCarrierToken + "\"\ndlr_token = \"" + kDlrToken +
         "\"\ndlr_allow = [\"127.0.0.1/32\"]\nallow_private = true\nreconnect_min_ms = 50\n"
         "reconnect_max_ms = 200\n" + extra + "\n";
}

// A simulator whose HTTP carrier wants our token and posts receipts to `server`.
void PointReceiptsAt(const SimProcess& sim, const DelivererProcess& server, const std::string& carrier) {
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Port());
  ASSERT_EQ(sim.Patch("/config", {{"http",
                                   {{"token", kCarrierToken},
                                    {"dlr_url", base + "/v1/dlr/" + carrier},
                                    {"dlr_token", kDlrToken},
                                    {"inbound_url", base + "/v1/inbound/" + carrier}}}})
                .status,
            200);
}

TEST(HttpCarrierTest, MessagesAreDeliveredWithReceiptsOverHttp) {
  SimProcess sim({"--http-port", "0"});
  DelivererProcess server(kFastDelivery, HttpCarrierToml("sim-http", sim.HttpPort()));
  PointReceiptsAt(sim, server, "sim-http");
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string long_text(400, 'x');  // 3 segments, sent whole: the carrier splits it
  const std::vector<std::string> bodies = {"Your code is 123456", "Grüße aus Köln 😀", long_text};
  std::vector<std::string> ids;
  std::map<std::string, std::string> body_of;
  for (int i = 0; i < 30; ++i) {
    const std::string body = bodies[i % bodies.size()] + " #" + std::to_string(i);
    ids.push_back(Send(server, key, FromDeliverer(kTo, body)));
    body_of[ids.back()] = body;
  }
  const auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) {
    EXPECT_EQ(m["status"], "delivered") << m.dump();
    EXPECT_EQ(m["carrier"], "sim-http");
  }
  // One request per message, the whole text in it, our id as its reference.
  std::set<std::string> seen;
  for (const Json& line : sim.RecordLines()) {
    ASSERT_EQ(StringField(line, "via"), "http") << line.dump();
    const std::string reference = StringField(line, "reference");
    ASSERT_TRUE(body_of.contains(reference)) << line.dump();
    EXPECT_EQ(StringField(line, "text"), body_of[reference]);
    EXPECT_EQ(StringField(line, "to"), kTo);
    EXPECT_TRUE(seen.insert(reference).second) << "sent twice: " << reference;
  }
  EXPECT_EQ(seen.size(), ids.size());
  Json carriers = server.Get("/v1/admin/carriers", server.CreateKey("ops", "admin")).json;
  ASSERT_EQ(carriers["data"].size(), 1u) << carriers.dump();
  EXPECT_EQ(carriers["data"][0]["protocol"], "http");
  EXPECT_EQ(carriers["data"][0]["binds_up"], 4);
}

TEST(HttpCarrierTest, TransientAnswersAreRetriedAndPermanentOnesFail) {
  SimProcess sim({"--http-port", "0", "--transient-rate", "0.3"});
  // Ten attempts: with five, one of 40 messages would fail every attempt about once in ten runs.
  const std::string delivery = "[delivery]\nbackoff_base_ms = 20\nbackoff_cap_ms = 200\nmax_attempts = 10\n";
  DelivererProcess server(delivery, HttpCarrierToml("sim-http", sim.HttpPort()));
  PointReceiptsAt(sim, server, "sim-http");
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(Send(server, key, FromDeliverer(kTo, "retry me " + std::to_string(i))));
  const auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m.dump();
  EXPECT_GT(Metric(server, "deliverer_retries_total"), 0);

  ASSERT_EQ(sim.Patch("/config", {{"submit", {{"transient_rate", 0}, {"permanent_rate", 1}}}}).status, 200);
  const std::string id = Send(server, key, FromDeliverer(kTo, "no such number"));
  Json failed = AwaitFinal(server, key, id);
  ASSERT_TRUE(failed.is_object());
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"]["carrier_code"], "400/invalid_destination") << failed.dump();
}

TEST(HttpCarrierTest, AnUnreachableHttpCarrierFailsOverToTheNextOne) {
  SimProcess smpp;
  uint16_t closed_port = 0;
  {
    SimProcess gone({"--http-port", "0"});
    closed_port = gone.HttpPort();
  }  // its port is closed now: connections are refused
  const std::string carriers = HttpCarrierToml("http-a", closed_port) + SmppCarrierToml("sim-b", smpp.SmppPort()) +
                               "\n[[routes]]\nmatch = \"*\"\npolicy = \"failover\"\ncarriers = [\"http-a\", \"sim-b\"]\n";
  DelivererProcess server(kFastDelivery, carriers);
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Send(server, key, FromDeliverer(kTo, "fail over " + std::to_string(i))));
  const auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) {
    EXPECT_EQ(m["status"], "delivered");
    EXPECT_EQ(m["carrier"], "sim-b");
  }
  Json view = server.Get("/v1/admin/carriers", server.CreateKey("ops", "admin")).json;
  int listed = 0;
  for (Json& c : view["data"]) {
    if (c["id"] != "http-a") continue;
    ++listed;
    EXPECT_EQ(c["binds_up"], 0);
  }
  EXPECT_EQ(listed, 1) << view.dump();
}

TEST(HttpCarrierTest, StopOverHttpInboundSuppressesTheNumber) {
  SimProcess sim({"--http-port", "0"});
  DelivererProcess server(kFastDelivery, HttpCarrierToml("sim-http", sim.HttpPort()));
  PointReceiptsAt(sim, server, "sim-http");
  const std::string key = server.CreateKey("acme", kSendRead);
  ASSERT_EQ(StringField(AwaitFinal(server, key, Send(server, key, FromDeliverer(kTo, "hello"))), "status"),
            "delivered");
  HttpResponse mo = sim.Post("/mo", {{"from", kTo}, {"to", "Deliverer"}, {"text", "STOP"}, {"via", "http"}});
  ASSERT_EQ(mo.status, 200) << mo.body;
  HttpResponse r = server.Post("/v1/messages", FromDeliverer(kTo, "again"), key);
  EXPECT_TRUE(IsProblem(r, 422, "recipient_suppressed", "to"));
}

}  // namespace
}  // namespace deliverer::integration
