// End to end: `deliverer serve` against `deliverer sim` over real sockets, final states
// checked through the API and the simulator's record (issue: delivery engine).
#include <gtest/gtest.h>

#include <httplib.h>
#include <openssl/hmac.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

TEST(DeliveryTest, MixedMessagesAreAllDeliveredWithTheRightSegments) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort(), "window = 128\nbinds = 2"));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string three_parts(400, 'a');                       // GSM-7: 3 × 153
  std::string ten_parts;
  for (int i = 0; i < 1520; ++i) ten_parts.push_back(static_cast<char>('a' + i % 26));  // 10 × 153
  const std::vector<std::pair<std::string, int>> bodies = {
      {"Your code is 123456", 1}, {"Grüße aus Köln 😀", 1}, {three_parts, 3}, {ten_parts, 10}};

  std::vector<std::string> ids;
  std::map<std::string, std::vector<std::string>> bodies_by_destination;
  int expected_segments = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string to = "+4479111" + std::to_string(20000 + i % 250);
    const auto& [body_base, segments] = bodies[i % bodies.size()];
    const std::string body = segments == 1 ? body_base + " #" + std::to_string(i) : body_base;
    ids.push_back(Send(server, key, FromDeliverer(to, body)));
    bodies_by_destination[to.substr(1)].push_back(body);
    expected_segments += segments;
  }
  auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m.dump();

  // The simulator got exactly the segments expected, with coherent UDHs, and per
  // destination in acceptance order.
  const std::vector<Json> record = sim.RecordLines();
  EXPECT_EQ(static_cast<int>(record.size()), expected_segments);
  std::map<std::string, std::vector<std::string>> texts_by_destination;
  std::map<std::pair<std::string, int>, std::string> parts;  // (destination, ref) → text so far
  for (const Json& line : record) {
    EXPECT_EQ(line["source_ton"], 5);
    EXPECT_EQ(line["source_npi"], 0);
    EXPECT_EQ(line["dest_ton"], 1);
    EXPECT_EQ(line["dest_npi"], 1);
    EXPECT_EQ(line["registered_delivery"], 1);
    const std::string destination = line["destination"];
    const std::string text = line["text"];
    if (line["udh"].is_null()) {
      EXPECT_EQ(line["esm_class"], 0);
      texts_by_destination[destination].push_back(text);
      continue;
    }
    EXPECT_EQ(line["esm_class"], 64);
    const int ref = line["udh"]["ref"], part = line["udh"]["part"], total = line["udh"]["total"];
    std::string& so_far = parts[{destination, ref}];
    so_far += text;
    if (part == total) {
      texts_by_destination[destination].push_back(so_far);
      parts.erase({destination, ref});
    }
  }
  for (const auto& [destination, expected] : bodies_by_destination) {
    EXPECT_EQ(texts_by_destination[destination], expected) << "destination " << destination;
  }
  for (const Json& line : record) {
    if (line["text"].get<std::string>().find("\xF0\x9F\x98\x80") != std::string::npos) {
      EXPECT_EQ(line["data_coding"], 8);
    }
  }
}

TEST(DeliveryTest, TransientErrorsAreRetriedUntilDelivered) {
  SimProcess sim({"--config-json", R"({"submit":{"transient_rate":0.3,"transient_codes":[88,8]}})"});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(Send(server, key, FromDeliverer(kTo, "retry me " + std::to_string(i))));
  auto final = AwaitTerminal(server, key, ids);
  int delivered = 0;
  for (const auto& [id, m] : final) delivered += m["status"] == "delivered" ? 1 : 0;
  // With 5 attempts at 30 % (0x08 only half of that), losing one is ~1e-5 likely.
  EXPECT_EQ(delivered, 100);
  EXPECT_GT(Metric(server, "deliverer_retries_total"), 0);
}

TEST(DeliveryTest, PermanentErrorFailsAtOnceWithTheCarrierCode) {
  SimProcess sim({"--permanent-rate", "1"});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, FromDeliverer(kTo, "no such number"));
  auto final = AwaitTerminal(server, key, {id});
  const Json& m = final[id];
  EXPECT_EQ(m["status"], "failed");
  EXPECT_EQ(m["error"]["code"], "carrier_permanent_error");
  EXPECT_EQ(m["error"]["carrier_code"], "0x0000000B");
  EXPECT_EQ(m["attempts"], 1);
  EXPECT_EQ(sim.RecordLines().size(), 1u) << "not retried";
}

TEST(DeliveryTest, ReceiptStatusesMapAsSpecified) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases = {
      {"UNDELIV", {"failed", "undeliverable"}},
      {"EXPIRED", {"expired", "carrier_expired"}},
      {"REJECTD", {"rejected", "carrier_rejected"}},
      {"DELIVRD", {"delivered", ""}}};
  for (const auto& [stat, expected] : cases) {
    Json outcomes = {{"DELIVRD", 0}, {"UNDELIV", 0}, {"EXPIRED", 0}, {"REJECTD", 0}};
    outcomes[stat] = 1;
    ASSERT_EQ(sim.Patch("/config", {{"receipts", {{"outcomes", outcomes}}}}).status, 200);
    const std::string id = Send(server, key, FromDeliverer(kTo, "receipt " + stat));
    auto final = AwaitTerminal(server, key, {id});
    EXPECT_EQ(final[id]["status"], expected.first) << stat;
    if (!expected.second.empty()) {
      EXPECT_EQ(final[id]["error"]["code"], expected.second) << stat;
      EXPECT_EQ(final[id]["error"]["carrier_code"].get<std::string>().substr(0, 7), stat);
    }
  }
}

TEST(DeliveryTest, EarlyDuplicatedAndReformattedReceiptsEndRight) {
  SimProcess sim({"--config-json",
                  R"({"receipts":{"early_rate":0.5,"duplicate_rate":0.5,"id_form":"decimal"}})"});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(Send(server, key, FromDeliverer(kTo, "odd receipt " + std::to_string(i))));
  auto final = AwaitTerminal(server, key, ids);
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m.dump();
}

TEST(DeliveryTest, DroppedReceiptClosesTheMessageAfterTheReceiptWait) {
  SimProcess sim({"--config-json", R"({"receipts":{"drop_rate":1}})"});
  DelivererProcess server(std::string(kFastDelivery) + "receipt_wait_s = 1\n", OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, FromDeliverer(kTo, "silent carrier"));
  auto final = AwaitTerminal(server, key, {id});
  EXPECT_EQ(final[id]["status"], "expired");
  EXPECT_EQ(final[id]["error"]["code"], "no_receipt");
}

TEST(DeliveryTest, OutageOpensTheCircuitFailsOverAndRecovers) {
  SimProcess primary;
  SimProcess secondary;
  const std::string carriers =
      SmppCarrierToml("sim-a", primary.SmppPort(), "reconnect_min_ms = 50\nreconnect_max_ms = 200") +
      SmppCarrierToml("sim-b", secondary.SmppPort()) +
      "\n[[routes]]\nmatch = \"*\"\npolicy = \"failover\"\ncarriers = [\"sim-a\", \"sim-b\"]\n";
  WebhookReceiver ops(1);  // the operators' webhook; its first call fails and is retried
  DelivererProcess server(std::string(kFastDelivery) + "[webhooks]\nsigning_secret = \"" + kSigningSecret +
                              "\"\nops_url = \"" + ops.Url() + "\"\n[security]\nallow_private_callbacks = true\n",
                          carriers);
  const std::string key = server.CreateKey("acme", kSendRead);
  ASSERT_TRUE(WaitFor([&] { return server.Get("/readyz").status == 200; }, Millis(15'000)));
  auto first = AwaitTerminal(server, key, {Send(server, key, FromDeliverer(kTo, "before"))});
  EXPECT_EQ(first.begin()->second["carrier"], "sim-a");

  // Outage: sim-a refuses binds and drops its connections.
  ASSERT_EQ(primary.Patch("/config", {{"faults", {{"refuse_binds", true}}}}).status, 200);
  ASSERT_EQ(primary.Post("/disconnect").status, 200);
  std::vector<std::string> during;
  for (int i = 0; i < 20; ++i) during.push_back(Send(server, key, FromDeliverer(kTo, "during " + std::to_string(i))));
  for (const auto& [id, m] : AwaitTerminal(server, key, during)) {
    EXPECT_EQ(m["status"], "delivered");
    EXPECT_EQ(m["carrier"], "sim-b") << "failed over";
  }
  const Json carriers_view = server.Get("/v1/admin/carriers", server.CreateKey("ops", "admin")).json;
  EXPECT_TRUE(carriers_view["data"].is_array());

  // Recovery: sim-a takes binds again; the circuit closes and traffic comes back.
  ASSERT_EQ(primary.Patch("/config", {{"faults", {{"refuse_binds", false}}}}).status, 200);
  EXPECT_TRUE(WaitFor([&] {
    auto done = AwaitTerminal(server, key, {Send(server, key, FromDeliverer(kTo, "after"))});
    return done.begin()->second["carrier"] == "sim-a";
  }, Millis(30'000), Millis(200)));

  // Operators were told both ways, signed like producer webhooks.
  std::vector<std::string> types;
  EXPECT_TRUE(WaitFor([&] {
    types.clear();
    for (const auto& [body, signature] : ops.Received()) {
      const Json event = Json::parse(body);
      EXPECT_TRUE(SignatureMatches(signature, kSigningSecret, body));
      EXPECT_EQ(event["carrier"], "sim-a");
      types.push_back(event["type"]);
    }
    return types.size() >= 2;
  }, Millis(15'000), Millis(100)));
  ASSERT_GE(types.size(), 2u);
  EXPECT_EQ(types.front(), "circuit.open");
  EXPECT_EQ(types.back(), "circuit.closed");
}

TEST(DeliveryTest, StopFromTheSubscriberSuppressesTheNumber) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  auto first = AwaitTerminal(server, key, {Send(server, key, FromDeliverer(kTo, "hello"))});
  ASSERT_EQ(first.begin()->second["status"], "delivered");
  ASSERT_EQ(sim.Post("/mo", {{"from", kTo}, {"to", "Deliverer"}, {"text", "STOP"}}).status, 200);
  EXPECT_TRUE(WaitFor([&] {
    return server.Post("/v1/messages", FromDeliverer(kTo, "again"), key).status == 422;
  }, Millis(15'000), Millis(100)));
  HttpResponse r = server.Post("/v1/messages", FromDeliverer(kTo, "again"), key);
  EXPECT_TRUE(IsProblem(r, 422, "recipient_suppressed", "to"));
}

TEST(DeliveryTest, WebhooksArriveSignedAndOncePerEventAfterFailures) {
  SimProcess sim;
  WebhookReceiver receiver(3);
  DelivererProcess server(std::string(kFastDelivery) + "\n[security]\nallow_private_callbacks = true\n",
                          OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  Json message = FromDeliverer(kTo, "with a callback");
  message["callback_url"] = receiver.Url();
  message["client_ref"] = "order-991";
  const std::string id = Send(server, key, message);
  AwaitTerminal(server, key, {id});

  std::map<std::string, Json> by_event;
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& [body, signature] : receiver.Received()) {
      const Json event = Json::parse(body);
      EXPECT_TRUE(SignatureMatches(signature, kSigningSecret, body));
      by_event[event["event_id"]] = event;
    }
    return by_event.size() == 2;  // sent, then delivered
  }, Millis(60'000), Millis(100)));
  std::vector<std::string> statuses;
  for (const auto& [event_id, event] : by_event) {
    EXPECT_EQ(event["message_id"], id);
    EXPECT_EQ(event["client_ref"], "order-991");
    statuses.push_back(event["status"]);
  }
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<std::string>{"delivered", "sent"}));
}

TEST(DeliveryTest, R4_CarrierDownLongerThanTheTtlExpiresEveryMessage) {
  SimProcess sim({"--refuse-binds"});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    Json message = FromDeliverer(kTo, "too late " + std::to_string(i));
    message["ttl"] = 60;  // the shortest api.md allows
    ids.push_back(Send(server, key, message));
  }
  auto final = AwaitTerminal(server, key, ids, Millis(120'000));
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) {
    EXPECT_EQ(m["status"], "expired");
    EXPECT_EQ(m["error"]["code"], "ttl_expired");
  }
  EXPECT_TRUE(sim.RecordLines().empty()) << "nothing went out late";
}

TEST(DeliveryTest, RoutesReloadOnSighupWithoutARestart) {
  SimProcess a;
  SimProcess b;
  auto carriers = [&](const std::string& to) {
    return SmppCarrierToml("sim-a", a.SmppPort()) + SmppCarrierToml("sim-b", b.SmppPort()) +
           "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"" + to + "\"]\n";
  };
  DelivererProcess server(kFastDelivery, carriers("sim-a"));
  const std::string key = server.CreateKey("acme", kSendRead);
  auto before = AwaitTerminal(server, key, {Send(server, key, FromDeliverer(kTo, "before reload"))});
  EXPECT_EQ(before.begin()->second["carrier"], "sim-a");

  std::ofstream(server.ConfigPath(), std::ios::trunc)
      << BaseConfig(server.DataDir(), kFastDelivery, carriers("sim-b"));
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLog("routes reloaded"));
  auto after = AwaitTerminal(server, key, {Send(server, key, FromDeliverer(kTo, "after reload"))});
  EXPECT_EQ(after.begin()->second["carrier"], "sim-b");
  EXPECT_EQ(after.begin()->second["status"], "delivered");
}

TEST(DeliveryTest, S5_HttpReceiptsNeedTheCarriersTokenAndAddress) {
  SimProcess sim({"--config-json", R"({"receipts":{"drop_rate":1}})"});
  const std::string carriers =
      SmppCarrierToml("sim-a", sim.SmppPort(), "dlr_token = \"carrier-a-secret\"\ndlr_allow = [\"127.0.0.0/8\"]") +
      SmppCarrierToml("far-away", 1, "dlr_token = \"carrier-b-secret\"\ndlr_allow = [\"10.0.0.0/8\"]") +
      "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n";
  DelivererProcess server(kFastDelivery, carriers);
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, FromDeliverer(kTo, "receipt over HTTP"));
  ASSERT_TRUE(WaitFor([&] { return Fetch(server, key, id)["status"] == "sent"; }, Millis(15'000)));
  sim.Stats();
  const std::string carrier_id = sim.RecordLines().at(0)["carrier_id"];
  const Json receipt = {{"carrier_message_id", carrier_id}, {"status", "DELIVRD"}, {"error_code", "000"}};

  auto post = [&](const std::string& carrier, const httplib::Headers& headers, const std::string& body) {
    httplib::Headers all = headers;
    return server.Send("POST", "/v1/dlr/" + carrier, all, body, "application/json");
  };
  EXPECT_EQ(post("sim-a", {}, receipt.dump()).status, 401) << "no secret";
  EXPECT_EQ(post("sim-a", {{"X-Carrier-Token", "wrong"}}, receipt.dump()).status, 401);
  EXPECT_EQ(post("far-away", {{"X-Carrier-Token", "carrier-b-secret"}}, receipt.dump()).status, 401)
      << "right secret, address outside the allowlist";
  EXPECT_EQ(post("nobody", {{"X-Carrier-Token", "carrier-a-secret"}}, receipt.dump()).status, 401);
  EXPECT_EQ(Fetch(server, key, id)["status"], "sent") << "refused callbacks change nothing";

  // A signed one is accepted, and the message is delivered.
  const std::string body = receipt.dump();
  const std::string t = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch()).count());
  const std::string signature = "t=" + t + ",v1=" + HmacHex("carrier-a-secret", t + "." + body);
  HttpResponse ok = post("sim-a", {{"X-Carrier-Signature", signature}}, body);
  EXPECT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(Fetch(server, key, id)["status"], "delivered");
  // A duplicate is harmless.
  EXPECT_EQ(post("sim-a", {{"X-Carrier-Token", "carrier-a-secret"}}, body).status, 200);
  EXPECT_EQ(Fetch(server, key, id)["status"], "delivered");
  EXPECT_GE(Metric(server, "deliverer_carrier_callbacks_refused_total"), 4);
}

}  // namespace
}  // namespace deliverer::integration
