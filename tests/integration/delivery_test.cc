// End to end: `deliverer serve` against `deliverer sim` over real sockets, final states
// checked through the API and the simulator's record.
#include <gtest/gtest.h>

#include <httplib.h>
#include <openssl/hmac.h>

#include <algorithm>
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
  for (Json line : record) {  // a copy: reading a missing member of it gives null
    EXPECT_EQ(line["source_ton"], 5);
    EXPECT_EQ(line["source_npi"], 0);
    EXPECT_EQ(line["dest_ton"], 1);
    EXPECT_EQ(line["dest_npi"], 1);
    EXPECT_EQ(line["registered_delivery"], 1);
    const std::string destination = StringField(line, "destination");
    const std::string text = StringField(line, "text");
    if (line["udh"].is_null()) {
      EXPECT_EQ(line["esm_class"], 0);
      texts_by_destination[destination].push_back(text);
      continue;
    }
    EXPECT_EQ(line["esm_class"], 64);
    ASSERT_TRUE(line["udh"].is_object()) << line.dump();
    const int ref = line["udh"].value("ref", -1), part = line["udh"].value("part", -1),
              total = line["udh"].value("total", -2);
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
    if (StringField(line, "text").find("\xF0\x9F\x98\x80") != std::string::npos) {
      EXPECT_EQ(line.value("data_coding", -1), 8);
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
  ASSERT_EQ(final.size(), ids.size());
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
  Json m = AwaitFinal(server, key, id);
  ASSERT_TRUE(m.is_object());
  EXPECT_EQ(m["status"], "failed");
  EXPECT_EQ(m["error"]["code"], "carrier_permanent_error");
  EXPECT_EQ(m["error"]["carrier_code"], "0x0000000B");
  EXPECT_EQ(m["attempts"], 1);
  EXPECT_EQ(sim.RecordLines().size(), 1u) << "not retried";
  // The operator finds it in the log by its id, at warn, with the codes. The line may reach
  // the log just after the status reaches the API.
  ASSERT_TRUE(server.WaitForLog("\"correlation_id\":\"" + id + "\""));
  const std::vector<Json> lines = LogLinesFor(server, id);
  ASSERT_EQ(lines.size(), 1u) << server.Log();
  EXPECT_EQ(lines[0]["level"], "warn");
  EXPECT_NE(StringField(lines[0], "msg").find("carrier_permanent_error 0x0000000B"), std::string::npos)
      << lines[0].dump();
}

TEST(DeliveryTest, TheSuccessPathLogsNothingByDefaultAndItsStepsAtDebug) {
  SimProcess sim;
  DelivererProcess quiet(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = quiet.CreateKey("acme", kSendRead);
  const std::string id = Send(quiet, key, FromDeliverer(kTo, "all goes well"));
  ASSERT_EQ(AwaitFinal(quiet, key, id)["status"], "delivered");
  EXPECT_TRUE(LogLinesFor(quiet, id).empty()) << quiet.Log();

  DelivererProcess verbose(std::string(kFastDelivery) + "[logging]\nlevel = \"debug\"\n", OneCarrier(sim.SmppPort()));
  const std::string verbose_key = verbose.CreateKey("acme", kSendRead);
  const std::string followed = Send(verbose, verbose_key, FromDeliverer(kTo, "followed"));
  ASSERT_EQ(AwaitFinal(verbose, verbose_key, followed)["status"], "delivered");
  ASSERT_TRUE(WaitFor([&] { return LogLinesFor(verbose, followed).size() >= 2; }, Millis(5'000)));
  std::vector<std::string> steps;
  for (const Json& line : LogLinesFor(verbose, followed)) {
    EXPECT_EQ(line["level"], "debug");
    steps.push_back(StringField(line, "msg"));
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"message sent via sim-a", "message delivered via sim-a"}));
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
    Json m = AwaitFinal(server, key, id);
    ASSERT_TRUE(m.is_object()) << stat;
    EXPECT_EQ(m["status"], expected.first) << stat;
    if (!expected.second.empty()) {
      EXPECT_EQ(m["error"]["code"], expected.second) << stat;
      EXPECT_EQ(StringField(m["error"], "carrier_code").substr(0, 7), stat) << m.dump();
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
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m.dump();
}

TEST(DeliveryTest, DroppedReceiptClosesTheMessageAfterTheReceiptWait) {
  SimProcess sim({"--config-json", R"({"receipts":{"drop_rate":1}})"});
  DelivererProcess server(std::string(kFastDelivery) + "receipt_wait_s = 1\n", OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, FromDeliverer(kTo, "silent carrier"));
  Json m = AwaitFinal(server, key, id);
  ASSERT_TRUE(m.is_object());
  EXPECT_EQ(m["status"], "expired");
  EXPECT_EQ(m["error"]["code"], "no_receipt");
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
  Json first = AwaitFinal(server, key, Send(server, key, FromDeliverer(kTo, "before")));
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(first["carrier"], "sim-a");

  // Outage: sim-a refuses binds and drops its connections.
  ASSERT_EQ(primary.Patch("/config", {{"faults", {{"refuse_binds", true}}}}).status, 200);
  ASSERT_EQ(primary.Post("/disconnect").status, 200);
  std::vector<std::string> during;
  for (int i = 0; i < 20; ++i) during.push_back(Send(server, key, FromDeliverer(kTo, "during " + std::to_string(i))));
  const auto during_final = AwaitTerminal(server, key, during);
  ASSERT_EQ(during_final.size(), during.size());
  for (const auto& [id, m] : during_final) {
    EXPECT_EQ(m["status"], "delivered");
    EXPECT_EQ(m["carrier"], "sim-b") << "failed over";
  }
  const Json carriers_view = server.Get("/v1/admin/carriers", server.CreateKey("ops", "admin")).json;
  EXPECT_TRUE(carriers_view["data"].is_array());

  // Recovery: sim-a takes binds again; the circuit closes and traffic comes back.
  ASSERT_EQ(primary.Patch("/config", {{"faults", {{"refuse_binds", false}}}}).status, 200);
  EXPECT_TRUE(WaitFor([&] {
    Json done = AwaitFinal(server, key, Send(server, key, FromDeliverer(kTo, "after")));
    return done.is_object() && done["carrier"] == "sim-a";
  }, Millis(30'000), Millis(200)));

  // Operators were told both ways, signed like producer webhooks. The circuit may open
  // more than once before it closes; every event is taken, the refused first call after
  // its retry, and each exactly once. A retry may arrive after a later event, so the
  // events are read in the order they happened.
  auto all_taken = [&] {
    const std::map<std::string, int> taken = CallsPerEvent(ops.Accepted());
    for (const auto& [event_id, calls] : CallsPerEvent(ops.Calls())) {
      if (!taken.contains(event_id)) return false;
    }
    return !taken.empty();
  };
  std::vector<Json> events;
  EXPECT_TRUE(WaitFor([&] {
    if (!all_taken()) return false;
    events.clear();
    for (const WebhookCall& call : ops.Accepted()) events.push_back(ParseObject(call.body));
    std::sort(events.begin(), events.end(), [](const Json& a, const Json& b) {
      return StringField(a, "at") < StringField(b, "at");
    });
    return StringField(events.back(), "type") == "circuit.closed";
  }, Millis(30'000), Millis(100))) << ops.Calls().size() << " calls, " << ops.Accepted().size() << " taken";
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(StringField(events.front(), "type"), "circuit.open");
  EXPECT_EQ(StringField(events.back(), "type"), "circuit.closed");
  const std::vector<WebhookCall> accepted = ops.Accepted();
  for (const WebhookCall& call : accepted) {
    EXPECT_TRUE(SignatureMatches(call.signature, kSigningSecret, call.body)) << call.body;
    EXPECT_EQ(StringField(ParseObject(call.body), "carrier"), "sim-a") << call.body;
  }
  EXPECT_TRUE(EachEventOnce(accepted));
  EXPECT_EQ(ops.Calls().size(), accepted.size() + 1) << "one refused call, then each event once";
}

TEST(DeliveryTest, StopFromTheSubscriberSuppressesTheNumber) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const Json first = AwaitFinal(server, key, Send(server, key, FromDeliverer(kTo, "hello")));
  ASSERT_EQ(StringField(first, "status"), "delivered");
  ASSERT_EQ(sim.Post("/mo", {{"from", kTo}, {"to", "Deliverer"}, {"text", "STOP"}}).status, 200);
  EXPECT_TRUE(WaitFor([&] {
    return server.Post("/v1/messages", FromDeliverer(kTo, "again"), key).status == 422;
  }, Millis(15'000), Millis(100)));
  HttpResponse r = server.Post("/v1/messages", FromDeliverer(kTo, "again"), key);
  EXPECT_TRUE(IsProblem(r, 422, "recipient_suppressed", "to"));
}

// The webhooks of `message_id` among `calls`.
std::vector<WebhookCall> CallsFor(const std::vector<WebhookCall>& calls, const std::string& message_id) {
  std::vector<WebhookCall> found;
  for (const WebhookCall& call : calls) {
    if (StringField(ParseObject(call.body), "message_id") == message_id) found.push_back(call);
  }
  return found;
}

TEST(DeliveryTest, WebhooksArriveSignedAndOncePerEventAfterFailures) {
  SimProcess sim;
  WebhookReceiver receiver(3);
  DelivererProcess server(std::string(kFastDelivery) + "\n[security]\nallow_private_callbacks = true\n",
                          OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  auto send = [&](const std::string& client_ref) {
    Json message = FromDeliverer(kTo, "with a callback");
    message["callback_url"] = receiver.Url();
    message["client_ref"] = client_ref;
    return Send(server, key, message);
  };
  // Two events each (sent, then delivered), taken by the receiver.
  auto taken = [&](const std::string& message_id) {
    return CallsPerEvent(CallsFor(receiver.Accepted(), message_id)).size() == 2;
  };
  const std::string id = send("order-991");
  ASSERT_FALSE(AwaitFinal(server, key, id).is_null());
  ASSERT_TRUE(WaitFor([&] { return taken(id); }, Millis(60'000), Millis(100)))
      << receiver.Calls().size() << " calls so far";
  // A later message's events show the dispatcher moved on: by then a repeat of the first
  // message's events would have come.
  const std::string later = send("order-992");
  ASSERT_FALSE(AwaitFinal(server, key, later).is_null());
  ASSERT_TRUE(WaitFor([&] { return taken(later); }, Millis(60'000), Millis(100)));

  // At least once: the three refused calls were retried; once taken, never again.
  const std::vector<WebhookCall> accepted = CallsFor(receiver.Accepted(), id);
  EXPECT_TRUE(EachEventOnce(accepted));
  EXPECT_TRUE(EachEventOnce(CallsFor(receiver.Accepted(), later)));
  EXPECT_EQ(receiver.Calls().size(), receiver.Accepted().size() + 3);
  std::vector<std::string> statuses;
  for (const WebhookCall& call : accepted) {
    EXPECT_TRUE(SignatureMatches(call.signature, kSigningSecret, call.body)) << call.body;
    const Json event = ParseObject(call.body);
    EXPECT_EQ(StringField(event, "client_ref"), "order-991") << call.body;
    statuses.push_back(StringField(event, "status"));
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
    message["ttl"] = 60;  // the shortest docs/api.md allows
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
  const Json before = AwaitFinal(server, key, Send(server, key, FromDeliverer(kTo, "before reload")));
  EXPECT_EQ(StringField(before, "carrier"), "sim-a");

  std::ofstream(server.ConfigPath(), std::ios::trunc)
      << BaseConfig(server.DataDir(), kFastDelivery, carriers("sim-b"));
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLog("routes reloaded"));
  const Json after = AwaitFinal(server, key, Send(server, key, FromDeliverer(kTo, "after reload")));
  EXPECT_EQ(StringField(after, "carrier"), "sim-b");
  EXPECT_EQ(StringField(after, "status"), "delivered");
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
  const std::vector<Json> record = sim.RecordLines();
  ASSERT_EQ(record.size(), 1u);
  const std::string carrier_id = StringField(record[0], "carrier_id");
  ASSERT_FALSE(carrier_id.empty()) << record[0].dump();
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
