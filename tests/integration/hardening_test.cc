// What an adversarial review of the running gateway found (the hardening findings), each as
// the attack that found it, against the real binary: it keeps serving and never restarts
// (the harness fails a test whose process ended on its own).
#include <sys/resource.h>

#include <filesystem>
#include <regex>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/raw_http.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kPrivateCallbacks = "\n[security]\nallow_private_callbacks = true\n";

std::string ChunkedRequest(const std::string& path, const std::string& trailer) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n" + trailer +
         "\r\n";
}

// The value of `name{labels}` on /metrics, read over `connection` (already accepted);
// -1 when absent.
double MetricOver(RawClient& connection, const std::string& series) {
  connection.Send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = connection.ReadResponse(Millis(5'000));
  const size_t at = answer.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(answer.substr(at + series.size() + 2));
}

double SeriesValue(const DelivererProcess& server, const std::string& series) {
  const std::string body = server.Get("/metrics").body;
  const size_t at = body.find("\n" + series + " ");
  return at == std::string::npos ? 0 : std::stod(body.substr(at + series.size() + 2));
}

int OpenDescriptors(int pid) {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Finding 1 (critical): a chunked request whose trailer held one field of 65,534 bytes
// or more aborted the process, on any route, without an API key.
TEST(HardeningTest, Finding1_AHugeChunkedTrailerIsRefusedAndTheGatewayServesOn) {
  DelivererProcess server;
  for (const std::string path : {"/healthz", "/v1/messages", "/v1/dlr/sim-a"}) {
    for (const size_t field : {size_t{65'534}, size_t{70'000}, size_t{1'000'000}}) {
      RawClient client(server.Port());
      ASSERT_TRUE(client.connected());
      client.Send(ChunkedRequest(path, "X-Big: " + std::string(field, 'a') + "\r\n"));
      const std::string answer = client.ReadUntilClosed(Millis(10'000));
      EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << path << " " << field << ": " << answer.substr(0, 120);
      EXPECT_NE(answer.find("headers_too_large"), std::string::npos);
    }
  }
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
  EXPECT_TRUE(server.Running());
}

// Finding 2 (critical): a webhook receiver, which any producer chooses through
// callback_url, answering with a huge chunked trailer aborted the gateway, and again at
// every restart, since the webhook is retried at start-up.
TEST(HardeningTest, Finding2_AWebhookReceiverWithAHugeTrailerCannotStopTheGateway) {
  SimProcess sim;
  RawServer receiver(ChunkedAnswerWithTrailer(70'000));
  DelivererProcess server(std::string(kFastDelivery) + kPrivateCallbacks, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  Json message = FromDeliverer(kTo, "hostile receiver");
  message["callback_url"] = receiver.Url();
  const std::string id = Send(server, key, message);
  ASSERT_TRUE(WaitFor([&] { return receiver.RequestCount() >= 1; }, Millis(30'000)))
      << "the webhook never reached the receiver";
  ASSERT_TRUE(WaitFor([&] { return SeriesValue(server, "deliverer_webhook_deliveries_total{outcome=\"failed\"}") >= 1; },
                      Millis(30'000)))
      << "the unreadable answer is not a failed attempt";
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));

  // At start-up the event is due again: the restarted gateway retries it and serves on.
  const size_t before = receiver.RequestCount();
  server.Restart();
  ASSERT_TRUE(WaitFor([&] { return receiver.RequestCount() > before; }, Millis(60'000)))
      << "the event was not retried after the restart";
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
  EXPECT_TRUE(HasStatus(server.Get("/v1/messages/" + id, key), 200));
  EXPECT_TRUE(server.Running());
}

// The same answer from an HTTP carrier: the submit's outcome is unknown (it may have been
// taken), and the gateway serves on.
TEST(HardeningTest, Finding2_AnHttpCarrierWithAHugeTrailerCannotStopTheGateway) {
  RawServer carrier(ChunkedAnswerWithTrailer(70'000));
  const std::string carriers =
      "[[carriers]]\nid = \"hostile\"\nprotocol = \"http\"\nurl = \"" + carrier.Url("/send") +
      "\"\ntoken = \"t\"\nallow_private = true\nreconnect_min_ms = 50\nreconnect_max_ms = 200\n"
      "\n[[routes]]\nmatch = \"*\"\npolicy = \"failover\"\ncarriers = [\"hostile\"]\n";
  DelivererProcess server(kFastDelivery, carriers);
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, FromDeliverer(kTo, "hostile carrier"));
  const Json final = AwaitFinal(server, key, id);
  ASSERT_FALSE(final.is_null());
  EXPECT_EQ(final["status"], "failed") << final.dump();
  EXPECT_EQ(final["error"]["code"], "attempts_exhausted") << final.dump();
  EXPECT_EQ(carrier.RequestCount(), 5u) << "every attempt reached the carrier, none stopped the gateway";
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
  EXPECT_TRUE(server.Running());
}

// Finding 3 (high): a receipt whose error code held bytes that are not UTF-8 made the
// webhook encoder throw; its slot was never freed, and after ~140 no account got any
// webhook. Here the receipt comes as a form-encoded carrier callback (%FF is any byte).
TEST(HardeningTest, Finding3_AReceiptWithBytesThatAreNotUtf8StillReachesTheProducer) {
  SimProcess sim({"--http-port", "0", "--no-receipts"});
  WebhookReceiver receiver;
  const std::string carriers =
      "[[carriers]]\nid = \"sim-http\"\nprotocol = \"http\"\nurl = \"http://127.0.0.1:" +
      std::to_string(sim.HttpPort()) +
      "/send\"\ndlr_token = \"dlr-token\"\nallow_private = true\n"
      "\n[[routes]]\nmatch = \"*\"\npolicy = \"failover\"\ncarriers = [\"sim-http\"]\n";
  DelivererProcess server(std::string(kFastDelivery) + kPrivateCallbacks, carriers);
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Json message = FromDeliverer(kTo, "bytes " + std::to_string(i));
    message["callback_url"] = receiver.Url();
    ids.push_back(Send(server, key, message));
  }
  ASSERT_TRUE(WaitFor([&] { return sim.RecordLines().size() == ids.size(); }, Millis(30'000)));
  for (const Json& line : sim.RecordLines()) {
    const std::string form = "carrier_message_id=" + line["carrier_id"].get<std::string>() +
                             "&status=UNDELIV&error_code=%FF%FE%C3";
    HttpResponse r = server.Send("POST", "/v1/dlr/sim-http", {{"X-Carrier-Token", "dlr-token"}}, form,
                                 "application/x-www-form-urlencoded");
    ASSERT_TRUE(HasStatus(r, 200));
  }
  for (const auto& [id, m] : AwaitTerminal(server, key, ids)) {
    EXPECT_EQ(m["status"], "failed");
    EXPECT_EQ(m["error"]["carrier_code"], "UNDELIV/\uFFFD\uFFFD\uFFFD") << m.dump();
  }
  ASSERT_TRUE(WaitFor([&] { return receiver.Accepted().size() == 2 * ids.size(); }, Millis(30'000)))
      << "sent and failed, for each message";
  size_t replaced = 0;
  for (const WebhookCall& call : receiver.Accepted()) replaced += call.body.find("\\ufffd") != std::string::npos ||
                                                                  call.body.find("\uFFFD") != std::string::npos;
  EXPECT_EQ(replaced, ids.size());
  EXPECT_TRUE(EachEventOnce(receiver.Calls()));
}

// Finding 4 (high), part 1: there was no connection cap. Past max_connections a new
// connection is answered 503 and closed, and the ones open are served.
TEST(HardeningTest, Finding4_PastMaxConnectionsANewConnectionIsAnswered503) {
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 4\n");
  std::vector<std::unique_ptr<RawClient>> open;
  for (int i = 0; i < 4; ++i) {
    open.push_back(std::make_unique<RawClient>(server.Port()));
    ASSERT_TRUE(open.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_NE(open.back()->ReadResponse(Millis(5'000)).find("200 OK"), std::string::npos);
  }
  RawClient fifth(server.Port());
  const std::string refused = fifth.ReadUntilClosed(Millis(5'000));
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503 ")) << refused;
  EXPECT_NE(refused.find("\"overloaded\""), std::string::npos) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;

  // The open ones go on; one closed makes room again.
  EXPECT_EQ(MetricOver(*open[0], "deliverer_http_connections"), 4);
  open.pop_back();
  EXPECT_TRUE(WaitFor([&] { return server.Get("/healthz").status == 200; }, Millis(10'000)));
  EXPECT_GE(SeriesValue(server, "deliverer_http_connections_refused_total{reason=\"max_connections\"}"), 1);
}

// Finding 4, part 2: out of file descriptors, accept failed at once again and again and
// each failure was logged: 1.2 GB of log in 30 s. Now accepting pauses and the condition
// is logged at most once per 10 s; when descriptors free up, it accepts again.
TEST(HardeningTest, Finding4_OutOfDescriptorsAcceptingPausesAndLogsOnce) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizers' runtime needs descriptors of its own (UBSan checks that memory is
  // readable through a pipe), so a process starved of them reports errors that are not
  // there. `make test` runs this against the plain build.
  GTEST_SKIP() << "not under the sanitizers";
#endif
  DelivererProcess server;
  RawClient control(server.Port());  // accepted now, to read /metrics while others cannot connect
  ASSERT_TRUE(control.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_NE(control.ReadResponse(Millis(5'000)).find("200 OK"), std::string::npos);
  const int pid = server.Pid();
  rlimit original{};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, nullptr, &original), 0);
  const rlimit tight{static_cast<rlim_t>(OpenDescriptors(pid) + 4), original.rlim_max};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &tight, nullptr), 0);

  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 30; ++i) clients.push_back(std::make_unique<RawClient>(server.Port()));
  // Refusals are counted once per pause: 8 of them are two seconds of a full table.
  ASSERT_TRUE(WaitFor([&] {
    return MetricOver(control, "deliverer_http_connections_refused_total{reason=\"descriptors\"}") >= 8;
  }, Millis(30'000)));
  EXPECT_LE(Occurrences(server.Log(), "accept failed"), 2u) << "the condition is logged, not every failure";

  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &original, nullptr), 0);
  clients.clear();
  EXPECT_TRUE(WaitFor([&] { return server.Get("/healthz").status == 200; }, Millis(10'000)))
      << "accepting resumed once descriptors were free";
  EXPECT_TRUE(server.Running());
}

// Finding 5 (medium): made-up keys, well formed (the checksum is public by design), were
// cached for good and 401s were not limited: RSS 25 → 175 MB in 40 s. An address that
// keeps failing is held back before its key is even looked up (by default after 100
// failures, then one try per 100 ms).
TEST(HardeningTest, Finding5_AnAddressThatKeepsFailingAuthenticationIsAnswered429) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  int refused = 0;
  HttpResponse held;
  for (int i = 0; i < 150 && held.status != 429; ++i) {
    held = server.Get("/v1/messages", WithWrongSecret(key));
    refused += held.status == 401 ? 1 : 0;
  }
  EXPECT_TRUE(IsProblem(held, 429, "rate_limited")) << held;
  EXPECT_FALSE(held.Header("Retry-After").empty());
  EXPECT_GE(refused, 100) << "the default burst";
  EXPECT_GE(SeriesValue(server, "deliverer_auth_failures_limited_total"), 1);
}

// Finding 7 (medium-low): an upper-case scheme and user info passed ingest, and the
// webhook sender refused them on every attempt for 24 h. One parser now decides both:
// the scheme has no case, and user info is sent as HTTP Basic authentication.
TEST(HardeningTest, Finding7_ACallbackUrlIngestAcceptsIsDelivered) {
  SimProcess sim;
  RawServer receiver("HTTP/1.1 204 No Content\r\n\r\n");
  DelivererProcess server(std::string(kFastDelivery) + kPrivateCallbacks, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string url = "HTTP://hook-user:s%3Acret@127.0.0.1:" + std::to_string(receiver.port()) + "/Hook?a=1";
  Json message = FromDeliverer(kTo, "deliverable callback");
  message["callback_url"] = url;
  const std::string id = Send(server, key, message);
  ASSERT_FALSE(AwaitFinal(server, key, id).is_null());
  ASSERT_TRUE(WaitFor([&] { return receiver.RequestCount() >= 2; }, Millis(30'000)));
  const std::string request = receiver.Requests().front();
  EXPECT_TRUE(request.starts_with("POST /Hook?a=1 HTTP/1.1\r\n")) << request;
  // base64("hook-user:s:cret")
  EXPECT_NE(request.find("Authorization: Basic aG9vay11c2VyOnM6Y3JldA==\r\n"), std::string::npos) << request;
  EXPECT_EQ(SeriesValue(server, "deliverer_webhook_deliveries_total{outcome=\"failed\"}"), 0);
}

// Finding 10 (low): special-purpose blocks were missing from the refusal list, among them
// the tunnelling forms that carry a private IPv4 address.
TEST(HardeningTest, Finding10_SpecialPurposeAndTunnelledAddressesAreRefusedAtIngest) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  for (const char* url : {"http://192.0.0.170/", "http://198.18.0.1/", "http://203.0.113.9/",
                          "http://[2002:7f00:1::1]/", "http://[2001:db8::1]/", "http://[64:ff9b:1::a00:1]/",
                          "http://[::ffff:0:10.0.0.1]/", "http://[100::1]/"}) {
    Json message = Message();
    message["callback_url"] = url;
    EXPECT_TRUE(IsProblem(server.Post("/v1/messages", message, key), 400, "invalid_callback_url", "callback_url"))
        << url;
  }
}

// Finding 11 (low): a producer's upper-case message_id was answered 202, and a GET with
// the same string was 404 for its owner.
TEST(HardeningTest, Finding11_AMessageIdIsFoundInWhateverCaseItWasGiven) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string upper = "0193A4C2-7D2E-7CC1-9C4E-2F1A3B4C5D6E";
  Json message = Message();
  message["message_id"] = upper;
  HttpResponse sent = server.Post("/v1/messages", message, key);
  ASSERT_TRUE(HasStatus(sent, 202));
  EXPECT_EQ(sent.json["message_id"], "0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e");
  for (const std::string& spelling : {upper, std::string("0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e"),
                                      std::string("0193a4C2-7d2E-7cc1-9C4e-2f1A3b4c5D6e")}) {
    HttpResponse got = server.Get("/v1/messages/" + spelling, key);
    EXPECT_TRUE(HasStatus(got, 200)) << spelling;
    EXPECT_EQ(got.json["message_id"], "0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e");
  }
  // Idempotency holds across spellings too.
  message["message_id"] = "0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e";
  HttpResponse again = server.Post("/v1/messages", message, key);
  EXPECT_EQ(again.json["message_id"], "0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e") << again;
}

// Finding 11: "Authorization: bearer <key>" was refused; the scheme has no case.
TEST(HardeningTest, Finding11_TheBearerSchemeIsMatchedWithoutRegardToCase) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  for (const char* scheme : {"bearer ", "BEARER ", "Bearer "}) {
    HttpResponse r = server.Send("GET", "/v1/messages", {{"Authorization", scheme + key}});
    EXPECT_TRUE(HasStatus(r, 200)) << scheme;
  }
}

}  // namespace
}  // namespace deliverer::integration
