#pragma once
// What the end-to-end delivery tests share: fast retry settings, sending and awaiting
// final states through the API, reading a metric, verifying signatures, and a webhook
// receiver. Not thread-safe except WebhookReceiver, which its server thread also uses.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/harness.h"

namespace deliverer::integration {

// Fast retries and receipt waits, so failures resolve within a test's time.
inline constexpr const char* kFastDelivery = R"([circuit_breaker]
open_s = 1
max_open_s = 2

[delivery]
backoff_base_ms = 20
backoff_cap_ms = 200
max_attempts = 5
)";

// A config with one SMPP carrier "sim-a" at `port` (SmppCarrierToml, `extra` added to
// it) and one route sending everything there.
std::string OneCarrier(uint16_t port, const std::string& extra = "");

// Sends and returns the message id (asserting 202).
// A message from the alphanumeric sender "Deliverer" to `to`.
Json FromDeliverer(const std::string& to, const std::string& body);
std::string Send(const DelivererProcess& server, const std::string& key, const Json& message);
Json Fetch(const DelivererProcess& server, const std::string& key, const std::string& id);
// Waits until every id reaches a terminal status; returns id → message. When `timeout`
// passes first, records a test failure naming each id still open with its last status,
// and returns only the messages that did finish: assert the size before reading them.
std::map<std::string, Json> AwaitTerminal(const DelivererProcess& server, const std::string& key,
                                          const std::vector<std::string>& ids, Millis timeout = Millis(60'000));
// AwaitTerminal for one message: its final state, or null (after the test failure) when it
// has none.
Json AwaitFinal(const DelivererProcess& server, const std::string& key, const std::string& id,
                Millis timeout = Millis(60'000));
// The sum of every series of metric `name` on /metrics (a failure when /metrics does not
// answer 200).
double Metric(const DelivererProcess& server, const std::string& name);
// The same, over the series whose labels include every one of `labels` (as exposed:
// `arm="canary"`).
double Metric(const DelivererProcess& server, const std::string& name, const std::vector<std::string>& labels);
// The JSON log lines of `server` whose correlation_id is `id`, in order.
std::vector<Json> LogLinesFor(const DelivererProcess& server, const std::string& id);
// `text` parsed as a JSON object; null when it is not one. Never throws.
Json ParseObject(const std::string& text);
// Lower-case hex HMAC-SHA256, computed here independently of the code under test.
std::string HmacHex(const std::string& key, const std::string& data);
// True when `header` ("t=…,v1=…") signs `body` with `secret`.
bool SignatureMatches(const std::string& header, const std::string& secret, const std::string& body);

// Every regular file under `dir` (a data folder: the database, its -wal and -shm, the key
// ring), by file name, as bytes: what someone with a copy of the folder could read.
std::map<std::string, std::string> FilesUnder(const std::string& dir);

// One POST a WebhookReceiver took, whatever it answered.
struct WebhookCall {
  std::string body;
  std::string signature;  // Deliverer-Signature
  int answered = 0;       // the HTTP status the receiver gave
  std::string path;       // "/hook", or whichever path it came to
  httplib::Headers headers;
  // The body's event_id, "" when the body is not a JSON object with one.
  std::string EventId() const;
};

// An HTTP receiver on loopback (producer webhooks, the operators' webhook, error reports)
// that fails its first `failures` calls with 500 and answers the rest 200. It takes POSTs
// to any path and keeps every call, repeats included, so tests can count deliveries per
// event.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(int failures = 0);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int Port() const { return port_; }
  // Every call so far, in arrival order.
  std::vector<WebhookCall> Calls();
  // The calls answered 200.
  std::vector<WebhookCall> Accepted();

 private:
  httplib::Server server_;
  int failures_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<WebhookCall> calls_;
};

// event_id → how many of `calls` carry it.
std::map<std::string, int> CallsPerEvent(const std::vector<WebhookCall>& calls);
// Succeeds when every event of `calls` came exactly once (no repeat, no call without an
// event_id); the failure names each repeated event and how often it came.
::testing::AssertionResult EachEventOnce(const std::vector<WebhookCall>& calls);

}  // namespace deliverer::integration
