#pragma once
// Reading what the gateway sends back: problem+json error answers, 207 batch results
// (docs/api.md "Errors", "POST /v1/messages/batch") and webhook payloads ("Webhooks to
// producers"). Pure. A ReplyParser keeps simdjson's buffers between calls, so it is not
// thread-safe: one per thread.
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deliverer::loadgen {

struct BatchItem {
  uint32_t index = 0;
  int status = 0;    // the item's HTTP status: 202 accepted, 200 replayed, 4xx/5xx refused
  std::string code;  // the problem code when refused ("" otherwise)
};

struct WebhookEvent {
  std::string client_ref;  // "" when null or absent
  std::string status;      // "sent", "delivered", "expired", "failed", "rejected"
  int64_t at_ms = 0;       // `at`, Unix milliseconds
};

class ReplyParser {
 public:
  // The problem `code` of an error answer; "http_<status>" when the body has none (not
  // JSON, or no string `code`), so every refusal is counted under some name.
  std::string ProblemCode(int http_status, std::string_view body);
  // The `results` of a 207 answer into `items` (replaced); false when the body is not
  // such an answer.
  bool BatchResults(std::string_view body, std::vector<BatchItem>& items);
  // A webhook payload; nullopt unless it is an object with a string `status` and an RFC
  // 3339 `at`.
  std::optional<WebhookEvent> Webhook(std::string_view body);

 private:
  simdjson::dom::parser parser_;
};

}  // namespace deliverer::loadgen
