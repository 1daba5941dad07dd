#include "integration/delivery_helpers.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <filesystem>
#include <fstream>
#include <iterator>

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
  return r.json.value("message_id", "");
}

Json Fetch(const DelivererProcess& server, const std::string& key, const std::string& id) {
  return server.Get("/v1/messages/" + id, key).json;
}

std::map<std::string, Json> AwaitTerminal(const DelivererProcess& server, const std::string& key,
                                          const std::vector<std::string>& ids, Millis timeout) {
  std::map<std::string, Json> final;
  WaitFor([&] {
    for (const std::string& id : ids) {
      if (final.contains(id)) continue;
      Json m = Fetch(server, key, id);
      const std::string status = m.value("status", "");
      if (status == "delivered" || status == "failed" || status == "expired" || status == "rejected") {
        final[id] = std::move(m);
      }
    }
    return final.size() == ids.size();
  }, timeout, Millis(100));
  return final;
}

double Metric(const DelivererProcess& server, const std::string& name) {
  const std::string body = server.Get("/metrics").body;
  double sum = 0;
  size_t at = 0;
  while ((at = body.find("\n" + name, at)) != std::string::npos) {
    const size_t end = body.find('\n', at + 1);
    const std::string line = body.substr(at + 1, end - at - 1);
    sum += std::stod(line.substr(line.rfind(' ') + 1));
    at = end;
  }
  return sum;
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

WebhookReceiver::WebhookReceiver(int failures) : failures_(failures) {
  server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    if (calls_++ < failures_) {
      res.status = 500;
      return;
    }
    bodies_.push_back(req.body);
    signatures_.push_back(req.get_header_value("Deliverer-Signature"));
    res.status = 200;
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

WebhookReceiver::~WebhookReceiver() {
  server_.stop();
  thread_.join();
}

std::vector<std::pair<std::string, std::string>> WebhookReceiver::Received() {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < bodies_.size(); ++i) out.emplace_back(bodies_[i], signatures_[i]);
  return out;
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
