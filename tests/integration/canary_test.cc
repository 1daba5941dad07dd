// A canary roll-out that guards itself (docs/configuration.md "The canary's guard"), end to
// end: two simulators, one the route's own carrier and one the canary's, of which only the
// canary's fails. The roll-out halts by itself (metric, log, operators' webhook), every
// new message then takes the route's own carrier, and the halt holds across a reload and a
// restart until an operator resumes it; two healthy arms are never halted.
#include <csignal>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kFlag = "new-carrier";
const std::vector<std::string> kThisFlag = {"flag=\"new-carrier\""};

// The route sends everything to sim-control; half of it, by the canary's hash, to
// sim-canary first. The guard decides on 20 samples an arm.
std::string CanaryCarriers(const SimProcess& control, const SimProcess& canary) {
  return SmppCarrierToml("sim-control", control.SmppPort()) + SmppCarrierToml("sim-canary", canary.SmppPort()) +
         "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-control\"]\n"
         "canary = { flag = \"new-carrier\", percent = 50, carriers = [\"sim-canary\"], "
         "guard = { min_samples = 20 } }\n";
}

std::string OpsConfig(const WebhookReceiver& ops) {
  return std::string(kFastDelivery) + "[webhooks]\nsigning_secret = \"" + kSigningSecret + "\"\nops_url = \"" +
         ops.Url() + "\"\n[security]\nallow_private_callbacks = true\n";
}

// Both carriers bound: a canary message finds its carrier up, rather than falling back.
::testing::AssertionResult BothBound(const DelivererProcess& server, const std::string& admin) {
  const bool bound = WaitFor([&] {
    const Json carriers = server.Get("/v1/admin/carriers", admin).json["data"];
    if (!carriers.is_array() || carriers.size() != 2) return false;
    for (const Json& c : carriers) {
      if (c.value("binds_up", 0) == 0) return false;
    }
    return true;
  }, Millis(30'000));
  return bound ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << "a carrier never bound";
}

// Sends `n` messages and waits until each is final; id → message.
std::map<std::string, Json> SendAndAwait(const DelivererProcess& server, const std::string& key, int n,
                                         const std::string& label) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(Send(server, key, FromDeliverer(kTo, label + " " + std::to_string(i))));
  std::map<std::string, Json> final = AwaitTerminal(server, key, ids);
  EXPECT_EQ(final.size(), ids.size());
  return final;
}

// Every message delivered through the route's own carrier.
::testing::AssertionResult AllDeliveredByTheControl(const std::map<std::string, Json>& messages) {
  for (const auto& [id, m] : messages) {
    if (m["status"] != "delivered" || m["carrier"] != "sim-control") {
      return ::testing::AssertionFailure() << id << " " << m.dump();
    }
  }
  return ::testing::AssertionSuccess();
}

// The bodies of the operators' webhook calls of `type`, in arrival order.
std::vector<Json> OpsEvents(WebhookReceiver& ops, const std::string& type) {
  std::vector<Json> out;
  for (const WebhookCall& call : ops.Accepted()) {
    Json body = ParseObject(call.body);
    if (StringField(body, "type") == type) out.push_back(std::move(body));
  }
  return out;
}

TEST(CanaryTest, ACanaryWhoseCarrierFailsHaltsItselfUntilAnOperatorResumesIt) {
  SimProcess control;
  SimProcess canary({"--permanent-rate", "1"});  // refuses every submit for good
  WebhookReceiver ops;
  DelivererProcess server(OpsConfig(ops), CanaryCarriers(control, canary));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");
  ASSERT_TRUE(BothBound(server, admin));
  EXPECT_EQ(Metric(server, "deliverer_canary_halted", kThisFlag), 0) << "running at start";

  // Load: the canary's half fails at its carrier until the guard has seen 20 of each arm.
  const std::map<std::string, Json> load = SendAndAwait(server, key, 100, "load");
  size_t failed_on_canary = 0;
  for (const auto& [id, m] : load) {
    if (m["status"] == "failed") {
      EXPECT_EQ(m["carrier"], "sim-canary") << m.dump();
      ++failed_on_canary;
    } else {
      EXPECT_EQ(m["status"], "delivered") << m.dump();
      EXPECT_EQ(m["carrier"], "sim-control") << m.dump();
    }
  }
  EXPECT_GE(failed_on_canary, 20u) << "the guard needs 20 canary submits";

  // Halted: the metric, the reason, the log, the operators' webhook.
  ASSERT_TRUE(WaitFor([&] { return Metric(server, "deliverer_canary_halted", kThisFlag) == 1; }, Millis(10'000)));
  EXPECT_EQ(Metric(server, "deliverer_canary_halts_total", {"flag=\"new-carrier\"", "reason=\"submit_errors\""}), 1);
  EXPECT_EQ(Metric(server, "deliverer_canary_outcomes_total", {"arm=\"control\"", "outcome=\"submit_error\""}), 0);
  EXPECT_GE(Metric(server, "deliverer_canary_outcomes_total", {"arm=\"canary\"", "outcome=\"submit_error\""}), 20);
  EXPECT_TRUE(server.WaitForLog("canary new-carrier of route * halted (submit_errors)"));
  ASSERT_TRUE(WaitFor([&] { return !OpsEvents(ops, "canary.halted").empty(); }, Millis(10'000)));
  const std::vector<Json> halts = OpsEvents(ops, "canary.halted");
  ASSERT_EQ(halts.size(), 1u);
  const Json& halted = halts[0];
  EXPECT_EQ(halted["flag"], kFlag);
  EXPECT_EQ(halted["route"], "*");
  EXPECT_EQ(halted["reason"], "submit_errors");
  EXPECT_EQ(halted["canary"]["submit_error_ratio"], 1.0) << halted.dump();
  EXPECT_GE(halted["canary"]["submits"].get<int>(), 20);
  EXPECT_EQ(halted["control"]["submit_error_ratio"], 0.0) << halted.dump();
  EXPECT_GE(halted["control"]["submits"].get<int>(), 20);
  EXPECT_NE(StringField(halted, "detail").find("100.0%"), std::string::npos) << halted.dump();
  for (const WebhookCall& call : ops.Accepted()) {
    EXPECT_TRUE(SignatureMatches(call.signature, kSigningSecret, call.body)) << call.body;
  }
  const Json listed = server.Get("/v1/admin/canaries", admin).json;
  ASSERT_EQ(listed["data"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["data"][0]["halted"], true);
  EXPECT_EQ(listed["data"][0]["percent"], 50);
  EXPECT_EQ(listed["data"][0]["effective_percent"], 0);
  EXPECT_EQ(listed["data"][0]["halt"]["reason"], "submit_errors");

  // Every new message takes the route's own carrier; the canary's sees nothing more.
  const uint64_t canary_submits = canary.Stats()["submits"].get<uint64_t>();
  EXPECT_TRUE(AllDeliveredByTheControl(SendAndAwait(server, key, 40, "halted")));
  EXPECT_EQ(canary.Stats()["submits"].get<uint64_t>(), canary_submits);

  // A reload keeps the halt.
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLog("routes reloaded (generation 1)"));
  EXPECT_EQ(Metric(server, "deliverer_canary_halted", kThisFlag), 1);
  EXPECT_TRUE(AllDeliveredByTheControl(SendAndAwait(server, key, 20, "reloaded")));

  // So does a restart.
  server.Restart();
  ASSERT_TRUE(BothBound(server, admin));
  EXPECT_TRUE(WaitFor([&] { return Metric(server, "deliverer_canary_halted", kThisFlag) == 1; }, Millis(10'000)));
  EXPECT_TRUE(AllDeliveredByTheControl(SendAndAwait(server, key, 20, "restarted")));
  EXPECT_EQ(canary.Stats()["submits"].get<uint64_t>(), canary_submits);
  const CommandResult list = RunDeliverer({"canary", "list", "--config", server.ConfigPath()});
  EXPECT_EQ(list.exit_code, 0) << list.Output();
  EXPECT_EQ(list.out.rfind("new-carrier\t*\t", 0), 0u) << list.Output();
  EXPECT_NE(list.out.find("submit_errors"), std::string::npos) << list.Output();

  // The canary's carrier is fixed; an operator resumes the roll-out.
  ASSERT_EQ(canary.Patch("/config", {{"submit", {{"permanent_rate", 0}}}}).status, 200);
  const HttpResponse resumed = server.Post("/v1/admin/canaries/new-carrier/resume", Json::object(), admin);
  ASSERT_TRUE(HasStatus(resumed, 200));
  EXPECT_EQ(resumed.json["halted"], false);
  EXPECT_TRUE(WaitFor([&] { return Metric(server, "deliverer_canary_halted", kThisFlag) == 0; }, Millis(10'000)));
  const std::map<std::string, Json> after = SendAndAwait(server, key, 40, "resumed");
  size_t via_canary = 0;
  for (const auto& [id, m] : after) {
    EXPECT_EQ(m["status"], "delivered") << m.dump();
    via_canary += m["carrier"] == "sim-canary" ? 1 : 0;
  }
  EXPECT_GT(via_canary, 0u) << "the canary takes its share again";
  EXPECT_EQ(Metric(server, "deliverer_canary_halted", kThisFlag), 0) << "a fresh window: no halt on old samples";
  EXPECT_TRUE(WaitFor([&] { return !OpsEvents(ops, "canary.resumed").empty(); }, Millis(10'000)));
  const Json audit = server.Get("/v1/admin/audit?action=canary.resume", admin).json;
  ASSERT_EQ(audit["data"].size(), 1u) << audit.dump();
  EXPECT_EQ(audit["data"][0]["target"], kFlag);
  EXPECT_TRUE(IsProblem(server.Post("/v1/admin/canaries/new-carrier/resume", Json::object(), admin), 404, "not_found"))
      << "not halted any more";
  EXPECT_TRUE(IsProblem(server.Post("/v1/admin/canaries/new-carrier/resume", Json::object(), key), 403, "forbidden"));
  // A flag no configuration could name is answered at once, and audited as nothing.
  for (const std::string& bad : std::vector<std::string>{"new%2Fcarrier", "new%00carrier", std::string(200, 'a')}) {
    EXPECT_TRUE(IsProblem(server.Post("/v1/admin/canaries/" + bad + "/resume", Json::object(), admin), 404, "not_found"))
        << bad;
  }
  EXPECT_EQ(server.Get("/v1/admin/audit?action=canary.resume", admin).json["data"].size(), 1u);
}

TEST(CanaryTest, TwoHealthyArmsAreNeverHalted) {
  SimProcess control;
  SimProcess canary;
  WebhookReceiver ops;
  DelivererProcess server(OpsConfig(ops), CanaryCarriers(control, canary));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");
  ASSERT_TRUE(BothBound(server, admin));

  const std::map<std::string, Json> load = SendAndAwait(server, key, 100, "healthy");
  for (const auto& [id, m] : load) EXPECT_EQ(m["status"], "delivered") << m.dump();
  // The guard judges each outcome before it is counted: once both arms show 20 delivered
  // messages, every measure has been judged on at least the minimum sample.
  for (const char* arm : {"arm=\"canary\"", "arm=\"control\""}) {
    EXPECT_TRUE(WaitFor([&] {
      return Metric(server, "deliverer_canary_outcomes_total", {arm, "outcome=\"delivered\""}) >= 20;
    }, Millis(10'000))) << arm;
  }
  EXPECT_EQ(Metric(server, "deliverer_canary_halted", kThisFlag), 0);
  EXPECT_EQ(Metric(server, "deliverer_canary_halts_total"), 0);
  EXPECT_EQ(server.Get("/v1/admin/canaries", admin).json["data"][0]["halted"], false);
  EXPECT_EQ(server.Log().find("halted ("), std::string::npos);
  EXPECT_TRUE(OpsEvents(ops, "canary.halted").empty());
}

TEST(CanaryTest, AResumeFromTheCommandLineReachesTheRunningGateway) {
  SimProcess control;
  SimProcess canary({"--permanent-rate", "1"});
  WebhookReceiver ops;
  DelivererProcess server(OpsConfig(ops), CanaryCarriers(control, canary));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");
  ASSERT_TRUE(BothBound(server, admin));
  SendAndAwait(server, key, 100, "load");
  ASSERT_TRUE(WaitFor([&] { return Metric(server, "deliverer_canary_halted", kThisFlag) == 1; }, Millis(10'000)));

  const CommandResult resumed = RunDeliverer({"canary", "resume", "--config", server.ConfigPath(), kFlag});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.Output();

  // serve reads the store's halts every second.
  EXPECT_TRUE(WaitFor([&] { return Metric(server, "deliverer_canary_halted", kThisFlag) == 0; }, Millis(10'000)));
  EXPECT_TRUE(WaitFor([&] { return !OpsEvents(ops, "canary.resumed").empty(); }, Millis(10'000)));
  EXPECT_TRUE(server.WaitForLog("canary new-carrier of route * resumed"));
  const CommandResult again = RunDeliverer({"canary", "resume", "--config", server.ConfigPath(), kFlag});
  EXPECT_EQ(again.exit_code, 2) << again.Output();
  EXPECT_NE(again.err.find("no halted canary roll-out has the flag 'new-carrier'"), std::string::npos)
      << again.Output();
}

}  // namespace
}  // namespace deliverer::integration
