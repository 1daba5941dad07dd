#include "integration/delivery_helpers.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>

namespace deliverer::integration {

std::string OneCarrier(uint16_t port, const std::string& extra) {
  return SmppCarrierToml("sim-a", port, extra) +
         "\n[[routes]]\nmatch = \"*\"\npolicy = \"failover\"\ncarriers = [\"sim-a\"]\n";
}

Json FromDeliverer(const std::string& to, const std::string& body) {
  return Json{{"from", "Deliverer"}, {"to", to}, {"body", body}};
}

std::string Send(const DelivererProcess& server, const std::string& key, const Json& message) {
  HttpResponse r = server.Post("/v1/messages", message, key);
  EXPECT_TRUE(HasStatus(r, 202));
  return StringField(r.json, "message_id");
}

Json Fetch(const DelivererProcess& server, const std::string& key, const std::string& id) {
  return server.Get("/v1/messages/" + id, key).json;
}

namespace {

constexpr size_t kMissingShown = 20;

bool IsTerminal(const std::string& status) {
  return status == "delivered" || status == "failed" || status == "expired" || status == "rejected";
}

// What a poll saw of a message that is not terminal: its status, or the answer's.
std::string LastSeen(const HttpResponse& r) {
  const std::string status = StringField(r.json, "status");
  if (!status.empty()) return status;
  return r.status == 0 ? "no answer: " + r.transport_error : "HTTP " + std::to_string(r.status);
}

std::string DescribeMissing(const std::map<std::string, std::string>& open) {
  std::string text;
  size_t shown = 0;
  for (const auto& [id, last] : open) {
    if (shown++ == kMissingShown) return text + "\n  … and " + std::to_string(open.size() - kMissingShown) + " more";
    text += "\n  " + id + " (last seen: " + last + ")";
  }
  return text;
}

// A sample line's metric name: up to its labels or its value.
std::string_view SampleName(std::string_view line) {
  return line.substr(0, line.find_first_of("{ "));
}

}  // namespace

std::map<std::string, Json> AwaitTerminal(const DelivererProcess& server, const std::string& key,
                                          const std::vector<std::string>& ids, Millis timeout) {
  std::map<std::string, Json> final;
  std::map<std::string, std::string> open;  // id → what the last poll saw
  for (const std::string& id : ids) open[id] = "not polled";
  const bool all = WaitFor([&] {
    for (auto it = open.begin(); it != open.end();) {
      HttpResponse r = server.Get("/v1/messages/" + it->first, key);
      if (IsTerminal(StringField(r.json, "status"))) {
        final[it->first] = std::move(r.json);
        it = open.erase(it);
      } else {
        it->second = LastSeen(r);
        ++it;
      }
    }
    return open.empty();
  }, timeout, Millis(100));
  if (!all) {
    ADD_FAILURE() << open.size() << " of " << final.size() + open.size()
                  << " messages reached no terminal status within " << timeout.count() << " ms:"
                  << DescribeMissing(open);
  }
  return final;
}

Json AwaitFinal(const DelivererProcess& server, const std::string& key, const std::string& id,
                Millis timeout) {
  auto final = AwaitTerminal(server, key, {id}, timeout);
  auto it = final.find(id);
  return it == final.end() ? Json() : it->second;
}

double Metric(const DelivererProcess& server, const std::string& name) { return Metric(server, name, {}); }

double Metric(const DelivererProcess& server, const std::string& name, const std::vector<std::string>& labels) {
  const HttpResponse r = server.Get("/metrics");
  EXPECT_TRUE(HasStatus(r, 200));
  double sum = 0;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || SampleName(line) != name) continue;
    const std::string series = line.substr(0, line.rfind(' '));
    const bool matches = std::all_of(labels.begin(), labels.end(), [&](const std::string& label) {
      return series.find(label) != std::string::npos;
    });
    if (matches) sum += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
  }
  return sum;
}

std::vector<Json> LogLinesFor(const DelivererProcess& server, const std::string& id) {
  std::vector<Json> out;
  std::istringstream log(server.Log());
  for (std::string line; std::getline(log, line);) {
    Json parsed = ParseObject(line);
    if (parsed.is_object() && StringField(parsed, "correlation_id") == id) out.push_back(std::move(parsed));
  }
  return out;
}

Json ParseObject(const std::string& text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return json.is_object() ? json : Json();
}

std::string HmacHex(const std::string& key, const std::string& data) {
  unsigned char digest[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    char b[3];
    snprintf(b, sizeof b, "%02x", digest[i]);
    hex += b;
  }
  return hex;
}

bool SignatureMatches(const std::string& header, const std::string& secret, const std::string& body) {
  const size_t comma = header.find(',');
  const size_t v1 = header.find("v1=");
  if (!header.starts_with("t=") || comma == std::string::npos || v1 == std::string::npos) return false;
  const std::string t = header.substr(2, comma - 2);
  return header.substr(v1 + 3) == HmacHex(secret, t + "." + body);
}

std::string WebhookCall::EventId() const { return StringField(ParseObject(body), "event_id"); }

WebhookReceiver::WebhookReceiver(int failures) : failures_(failures) {
  server_.Post("/.*", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    res.status = static_cast<int>(calls_.size()) < failures_ ? 500 : 200;
    calls_.push_back(
        WebhookCall{req.body, req.get_header_value("Deliverer-Signature"), res.status, req.path, req.headers});
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

WebhookReceiver::~WebhookReceiver() {
  server_.stop();
  thread_.join();
}

std::vector<WebhookCall> WebhookReceiver::Calls() {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<WebhookCall> WebhookReceiver::Accepted() {
  std::vector<WebhookCall> accepted;
  for (WebhookCall& call : Calls()) {
    if (call.answered == 200) accepted.push_back(std::move(call));
  }
  return accepted;
}

std::map<std::string, int> CallsPerEvent(const std::vector<WebhookCall>& calls) {
  std::map<std::string, int> per_event;
  for (const WebhookCall& call : calls) ++per_event[call.EventId()];
  return per_event;
}

::testing::AssertionResult EachEventOnce(const std::vector<WebhookCall>& calls) {
  std::string repeated;
  for (const auto& [event_id, count] : CallsPerEvent(calls)) {
    if (event_id.empty()) repeated += "\n  " + std::to_string(count) + " call(s) without an event_id";
    else if (count != 1) repeated += "\n  " + event_id + " came " + std::to_string(count) + " times";
  }
  if (repeated.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "not once per event, of " << calls.size() << " calls:" << repeated;
}

std::map<std::string, std::string> FilesUnder(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().filename().string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

}  // namespace deliverer::integration
