// `deliverer sim --http-port 0`: the HTTP carrier over real sockets, with receipts and MO
// posted to a stand-in for the gateway (docs/simulator.md "HTTP carrier"). Each test waits
// for an event (an answer, a post, a counter), never for a fixed time.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kDlrToken = "dlr-s3cret";

// What the gateway would receive: every POST, on any path. The first `failures` answer 500.
class Gateway {
 public:
  struct Call {
    std::string path;
    std::string token;  // X-Carrier-Token
    std::string content_type;
    std::string body;
    Json json;
    std::chrono::steady_clock::time_point at;
  };

  explicit Gateway(int failures = 0) : failures_(failures) {
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      if (attempts_++ < failures_) {
        res.status = 500;
        return;
      }
      calls_.push_back(Call{req.path, req.get_header_value("X-Carrier-Token"),
                            req.get_header_value("Content-Type"), req.body,
                            Json::parse(req.body, nullptr, false),
                            std::chrono::steady_clock::now()});
      res.status = 200;
      res.set_content(R"({"status":"recorded"})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Gateway() {
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Call> Calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  ::testing::AssertionResult WaitForCalls(size_t n) {
    if (WaitFor([&] { return Calls().size() >= n; }, Millis(15'000))) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << Calls().size() << " of " << n << " posts arrived in 15 s";
  }

 private:
  httplib::Server server_;
  int failures_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  int attempts_ = 0;
  std::vector<Call> calls_;
};

// A sender of POST /send on one kept-alive connection.
class Sender {
 public:
  explicit Sender(uint16_t port, const std::string& token = "") : client_("127.0.0.1", port) {
    client_.set_keep_alive(true);
    client_.set_connection_timeout(5);
    client_.set_read_timeout(15);
    if (!token.empty()) headers_ = {{"Authorization", "Bearer " + token}};
  }
  void SetReadTimeout(int seconds) { client_.set_read_timeout(seconds); }

  HttpResponse PostJson(const Json& body) {
    return ToResponse(client_.Post("/send", headers_, body.dump(), "application/json"));
  }
  HttpResponse PostForm(const std::string& body) {
    return ToResponse(
        client_.Post("/send", headers_, body, "application/x-www-form-urlencoded"));
  }
  HttpResponse Get(const std::string& path) { return ToResponse(client_.Get(path, headers_)); }

 private:
  httplib::Client client_;
  httplib::Headers headers_;
};

Json Send(const std::string& text = "Your code is 123456") {
  return {{"from", kFrom}, {"to", kTo}, {"text", text}, {"reference", "msg_1"}};
}

std::vector<Json> HttpLines(const SimProcess& sim) {
  std::vector<Json> out;
  for (Json& line : sim.RecordLines()) {
    if (line.value("via", "") == "http") out.push_back(std::move(line));
  }
  return out;
}

bool IsUpperHex(const std::string& id) {
  return !id.empty() && id.find_first_not_of("0123456789ABCDEF") == std::string::npos;
}

TEST(SimHttpTest, NoHttpListenerWithoutTheFlag) {
  SimProcess sim;
  EXPECT_EQ(sim.HttpPort(), 0);
  EXPECT_EQ(sim.Log().find("http on "), std::string::npos);
}

TEST(SimHttpTest, JsonAndFormSendsAreAcceptedAndRecorded) {
  SimProcess sim({"--http-port", "0"});
  Sender sender(sim.HttpPort());
  HttpResponse json = sender.PostJson(Send());
  ASSERT_TRUE(HasStatus(json, 200));
  EXPECT_EQ(json.Header("Content-Type"), "application/json");
  const std::string first = StringField(json.json, "message_id");
  EXPECT_TRUE(IsUpperHex(first)) << json;
  HttpResponse form =
      sender.PostForm("from=%2B14155550100&to=%2B442071838750&text=Caf%C3%A9+ok&receipt=0");
  ASSERT_TRUE(HasStatus(form, 200));
  const std::string second = StringField(form.json, "message_id");
  EXPECT_TRUE(IsUpperHex(second)) << form;
  EXPECT_EQ(std::stoull(second, nullptr, 16), std::stoull(first, nullptr, 16) + 1);

  const std::vector<Json> lines = HttpLines(sim);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(IsRfc3339Millis(StringField(lines[0], "t")));
  EXPECT_EQ(lines[0]["carrier_id"], first);
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["answer"], (Json{{"message_id", first}}));
  EXPECT_EQ(lines[0]["from"], kFrom);
  EXPECT_EQ(lines[0]["to"], kTo);
  EXPECT_EQ(lines[0]["text"], "Your code is 123456");
  EXPECT_EQ(lines[0]["reference"], "msg_1");
  EXPECT_EQ(lines[0]["receipt"], true);
  EXPECT_TRUE(lines[0]["validity_s"].is_null());
  EXPECT_EQ(lines[1]["carrier_id"], second);
  EXPECT_EQ(lines[1]["text"], "Café ok");
  EXPECT_EQ(lines[1]["receipt"], false);
  EXPECT_EQ(lines[1]["conn"], lines[0]["conn"]);  // kept alive

  const Json stats = sim.Stats();
  EXPECT_EQ(stats["submits"], 2);
  EXPECT_EQ(stats["http_submits"], 2);
  EXPECT_EQ(stats["accepted"], 2);
  EXPECT_EQ(stats["http_connections"], 1);
}

TEST(SimHttpTest, RoutesMethodsAndBadBodiesAreRefused) {
  SimProcess sim({"--http-port", "0"});
  Sender sender(sim.HttpPort());
  HttpResponse nowhere = sender.Get("/nowhere");
  EXPECT_EQ(nowhere.status, 404) << nowhere;
  EXPECT_EQ(nowhere.json, (Json{{"error", "not_found"}}));
  HttpResponse get = sender.Get("/send");
  EXPECT_EQ(get.status, 405) << get;
  EXPECT_EQ(get.json, (Json{{"error", "method_not_allowed"}}));
  for (HttpResponse r : {sender.PostJson({{"from", kFrom}, {"text", "no to"}}),
                         sender.PostJson({{"from", kFrom}, {"to", kTo}, {"text", 5}}),
                         sender.PostForm("from=a&to=b"), sender.PostForm("not%zzform")}) {
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_EQ(r.json, (Json{{"error", "invalid_request"}}));
  }
  EXPECT_TRUE(HttpLines(sim).empty());
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["submits"], 0);
  EXPECT_EQ(stats["http_refused"], 4);
}

TEST(SimHttpTest, TokenIsRequiredWhenSetAndMaskedInConfig) {
  SimProcess sim({"--http-port", "0", "--http-token", "s3cret"});
  HttpResponse none = Sender(sim.HttpPort()).PostJson(Send());
  EXPECT_EQ(none.status, 401) << none;
  EXPECT_EQ(none.json, (Json{{"error", "unauthorized"}}));
  EXPECT_EQ(Sender(sim.HttpPort(), "wrong").PostJson(Send()).status, 401);
  EXPECT_TRUE(HasStatus(Sender(sim.HttpPort(), "s3cret").PostJson(Send()), 200));
  EXPECT_EQ(HttpLines(sim).size(), 1u);

  EXPECT_EQ(sim.Get("/config").json["http"]["token"], "***");
  EXPECT_EQ(sim.Log().find("s3cret"), std::string::npos);
  // Patched at run time; sending the masked value back keeps it.
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"http", {{"token", "***"}}}}), 200));
  EXPECT_TRUE(HasStatus(Sender(sim.HttpPort(), "s3cret").PostJson(Send()), 200));
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"http", {{"token", "n3w"}}}}), 200));
  EXPECT_EQ(Sender(sim.HttpPort(), "s3cret").PostJson(Send()).status, 401);
  EXPECT_TRUE(HasStatus(Sender(sim.HttpPort(), "n3w").PostJson(Send()), 200));
}

TEST(SimHttpTest, DecisionsMapToStatusesWithTheirCodes) {
  SimProcess sim({"--http-port", "0", "--permanent-rate", "1"});
  Sender sender(sim.HttpPort());
  HttpResponse permanent = sender.PostJson(Send());
  EXPECT_EQ(permanent.status, 400) << permanent;
  EXPECT_EQ(permanent.json, (Json{{"error", "invalid_destination"}, {"code", "0x0B"}}));

  ASSERT_TRUE(HasStatus(
      sim.Patch("/config", {{"submit", {{"permanent_rate", 0}, {"transient_rate", 1},
                                        {"transient_codes", {"0x58"}}}}}),
      200));
  HttpResponse transient = sender.PostJson(Send());
  EXPECT_EQ(transient.status, 503) << transient;
  EXPECT_EQ(transient.json, (Json{{"error", "temporarily_unavailable"}, {"code", "0x58"}}));

  const std::vector<Json> lines = HttpLines(sim);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]["carrier_id"].is_null());
  EXPECT_EQ(lines[0]["status"], 400);
  EXPECT_EQ(lines[1]["status"], 503);
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["permanent_errors"], 1);
  EXPECT_EQ(stats["transient_errors"], 1);
  EXPECT_EQ(stats["receipts_sent"], 0);
}

TEST(SimHttpTest, AboveMaxTpsAnswers429) {
  SimProcess sim({"--http-port", "0", "--max-tps", "1"});
  Sender sender(sim.HttpPort());
  constexpr int kSends = 20;
  int ok = 0, throttled = 0;
  for (int i = 0; i < kSends; ++i) {
    HttpResponse r = sender.PostJson(Send("burst"));
    ok += r.status == 200;
    if (r.status == 429) {
      ++throttled;
      EXPECT_EQ(r.json, (Json{{"error", "throttled"}}));
    }
  }
  EXPECT_EQ(ok + throttled, kSends);
  EXPECT_GE(ok, 1);
  EXPECT_GE(throttled, 1);
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["throttled"], throttled);
  EXPECT_EQ(stats["accepted"], ok);
}

TEST(SimHttpTest, ReceiptIsPostedWithTheIdAndToken) {
  Gateway gateway;
  SimProcess sim({"--http-port", "0", "--dlr-url", gateway.Url("/v1/dlr/sim-http"),
                  "--dlr-token", kDlrToken});
  HttpResponse sent = Sender(sim.HttpPort()).PostJson(Send());
  ASSERT_TRUE(HasStatus(sent, 200));
  ASSERT_TRUE(gateway.WaitForCalls(1));
  const Gateway::Call call = gateway.Calls()[0];
  EXPECT_EQ(call.path, "/v1/dlr/sim-http");
  EXPECT_EQ(call.token, kDlrToken);
  EXPECT_EQ(call.content_type, "application/json");
  EXPECT_EQ(call.json["carrier_message_id"], sent.json["message_id"]);
  EXPECT_EQ(call.json["status"], "DELIVRD");
  EXPECT_EQ(call.json["error_code"], "000");
  EXPECT_TRUE(IsRfc3339Millis(StringField(call.json, "done_at"))) << call.body;
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 1));
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["http_receipts_sent"], 1);
  EXPECT_EQ(stats["http_receipts_acked"], 1);
  EXPECT_EQ(stats["receipts_pending"], 0);
  EXPECT_EQ(sim.Log().find(kDlrToken), std::string::npos);

  // receipt=false asks for none; without a dlr_url none can go.
  ASSERT_TRUE(
      HasStatus(Sender(sim.HttpPort()).PostForm("from=a&to=b&text=c&receipt=false"), 200));
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"http", {{"dlr_url", ""}}}}), 200));
  ASSERT_TRUE(HasStatus(Sender(sim.HttpPort()).PostJson(Send()), 200));
  ASSERT_TRUE(sim.WaitForStat("http_receipts_unsent", 1));
  EXPECT_EQ(gateway.Calls().size(), 1u);
}

TEST(SimHttpTest, DuplicateReceiptsWithDecimalIds) {
  Gateway gateway;
  SimProcess sim({"--http-port", "0", "--dlr-url", gateway.Url("/v1/dlr/sim-http"),
                  "--config-json",
                  R"({"receipts":{"duplicate_rate":1,"id_form":"decimal",)"
                  R"("outcomes":{"DELIVRD":0,"UNDELIV":1}}})"});
  HttpResponse sent = Sender(sim.HttpPort()).PostJson(Send());
  ASSERT_TRUE(HasStatus(sent, 200));
  const std::string decimal =
      std::to_string(std::stoull(StringField(sent.json, "message_id"), nullptr, 16));
  ASSERT_TRUE(gateway.WaitForCalls(2));
  for (const Gateway::Call& call : gateway.Calls()) {
    EXPECT_EQ(call.json["carrier_message_id"], decimal) << call.body;
    EXPECT_EQ(call.json["status"], "UNDELIV");
    EXPECT_EQ(call.json["error_code"], "001");
    EXPECT_TRUE(call.token.empty());  // no --dlr-token
  }
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 2));
  EXPECT_EQ(sim.Stats()["receipts_sent"], 2);
}

TEST(SimHttpTest, RefusedReceiptIsPostedAgain) {
  Gateway gateway(2);
  SimProcess sim({"--http-port", "0", "--dlr-url", gateway.Url("/dlr")});
  ASSERT_TRUE(HasStatus(Sender(sim.HttpPort()).PostJson(Send()), 200));
  ASSERT_TRUE(gateway.WaitForCalls(1));
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 1));
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["receipts_sent"], 1);
  EXPECT_EQ(stats["receipt_nacks"], 2);
  EXPECT_EQ(stats["receipts_resent"], 2);
  EXPECT_EQ(stats["receipts_pending"], 0);
  EXPECT_EQ(gateway.Calls().size(), 1u);
}

TEST(SimHttpTest, EarlyReceiptArrivesBeforeTheDelayedAnswer) {
  Gateway gateway;
  SimProcess sim({"--http-port", "0", "--dlr-url", gateway.Url("/dlr"), "--latency-ms", "300",
                  "--config-json", R"({"receipts":{"early_rate":1}})"});
  const auto before = std::chrono::steady_clock::now();
  HttpResponse sent = Sender(sim.HttpPort()).PostJson(Send());
  const auto answered = std::chrono::steady_clock::now();
  ASSERT_TRUE(HasStatus(sent, 200));
  EXPECT_GE(answered - before, Millis(300));
  const std::vector<Gateway::Call> calls = gateway.Calls();
  ASSERT_EQ(calls.size(), 1u);  // already there when the answer came
  EXPECT_LT(calls[0].at, answered);
  EXPECT_EQ(calls[0].json["carrier_message_id"], sent.json["message_id"]);
}

TEST(SimHttpTest, MoViaHttpReachesTheInboundUrl) {
  Gateway gateway(1);
  SimProcess sim({"--http-port", "0", "--dlr-token", kDlrToken});
  const Json mo = {{"via", "http"}, {"from", "+447700900123"}, {"to", "12345"}, {"text", "STOP"}};
  HttpResponse unset = sim.Post("/mo", mo);
  EXPECT_EQ(unset.status, 409) << unset;
  EXPECT_EQ(unset.json.value("error", ""), "no_inbound_url");

  ASSERT_TRUE(HasStatus(
      sim.Patch("/config", {{"http", {{"inbound_url", gateway.Url("/v1/inbound/sim-http")}}}}),
      200));
  HttpResponse refused = sim.Post("/mo", mo);  // the gateway's first answer is a 500
  EXPECT_EQ(refused.status, 502) << refused;
  EXPECT_EQ(refused.json, (Json{{"error", "inbound_refused"}, {"status", 500}}));
  HttpResponse sent = sim.Post("/mo", mo);
  ASSERT_TRUE(HasStatus(sent, 200));
  EXPECT_EQ(sent.json, (Json{{"sent", 1}, {"status", 200}}));
  ASSERT_EQ(gateway.Calls().size(), 1u);
  const Gateway::Call call = gateway.Calls()[0];
  EXPECT_EQ(call.path, "/v1/inbound/sim-http");
  EXPECT_EQ(call.token, kDlrToken);
  EXPECT_EQ(call.json, (Json{{"from", "+447700900123"}, {"to", "12345"}, {"text", "STOP"}}));
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["http_mo_sent"], 1);
  EXPECT_EQ(stats["mo_sent"], 0);
  EXPECT_EQ(sim.Post("/mo", {{"via", "pigeon"}, {"from", "a"}, {"to", "b"}, {"text", "c"}}).status,
            400);
}

TEST(SimHttpTest, BlackHoleRecordsButNeverAnswers) {
  SimProcess sim({"--http-port", "0", "--black-hole"});
  // The request waits for its answer on a thread of its own, far longer than the test.
  std::future<HttpResponse> unanswered = std::async(std::launch::async, [port = sim.HttpPort()] {
    Sender sender(port);
    sender.SetReadTimeout(300);
    return sender.PostJson(Send());
  });
  ASSERT_TRUE(sim.WaitForStat("http_submits", 1));
  const std::vector<Json> lines = HttpLines(sim);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]["status"].is_null());
  EXPECT_TRUE(lines[0]["answer"].is_null());

  // The simulator moves on: out of the black hole, a request on another connection is
  // answered, and the held one still is not.
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"faults", {{"black_hole", false}}}}), 200));
  ASSERT_TRUE(HasStatus(Sender(sim.HttpPort()).PostJson(Send()), 200));
  EXPECT_EQ(unanswered.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the black-holed request was answered";
  sim.Terminate();  // closes the held connection: the request ends unanswered
  EXPECT_EQ(unanswered.get().status, 0);
}

TEST(SimHttpTest, RefusedBindsAnswerUnavailableAndClose) {
  SimProcess sim({"--http-port", "0", "--refuse-binds"});
  HttpResponse r = Sender(sim.HttpPort()).PostJson(Send());
  EXPECT_EQ(r.status, 503) << r;
  EXPECT_EQ(r.json, (Json{{"error", "unavailable"}}));
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_TRUE(HttpLines(sim).empty());
  EXPECT_EQ(sim.Stats()["http_refused"], 1);
}

TEST(SimHttpTest, DisconnectDropsHttpConnectionsToo) {
  SimProcess sim({"--http-port", "0"});
  Sender sender(sim.HttpPort());
  ASSERT_TRUE(HasStatus(sender.PostJson(Send()), 200));
  ASSERT_TRUE(sim.WaitForStat("http_connections", 1));
  HttpResponse dropped = sim.Post("/disconnect");
  ASSERT_TRUE(HasStatus(dropped, 200));
  EXPECT_EQ(dropped.json, (Json{{"disconnected", 1}}));
  EXPECT_TRUE(WaitFor([&] { return sim.Stats()["http_connections"] == 0; }, Millis(15'000)));
  EXPECT_EQ(sim.Stats()["disconnects"], 1);
}

}  // namespace
}  // namespace deliverer::integration
