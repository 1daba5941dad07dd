#include <array>
#include <nlohmann/json.hpp>

#include "api/http_types.h"

namespace deliverer::api {
namespace {

struct CodeInfo {
  std::string_view code;
  unsigned status;
  std::string_view title;
};

// docs/api.md "Errors": the codes of the API and those of the HTTP layer and the server.
constexpr std::array<CodeInfo, 25> kCodes = {{
    {"invalid_json", 400, "Invalid JSON"},
    {"invalid_field", 400, "Invalid field"},
    {"invalid_destination", 400, "Invalid destination"},
    {"invalid_sender", 400, "Invalid sender"},
    {"body_empty", 400, "Empty body"},
    {"body_too_long", 400, "Body too long"},
    {"content_rejected", 400, "Content rejected"},
    {"invalid_callback_url", 400, "Invalid callback URL"},
    {"invalid_request", 400, "Invalid request"},
    {"unauthenticated", 401, "Unauthenticated"},
    {"forbidden", 403, "Forbidden"},
    {"not_found", 404, "Not found"},
    {"method_not_allowed", 405, "Method not allowed"},
    {"idempotency_conflict", 409, "Idempotency conflict"},
    {"conflict", 409, "Conflict"},
    {"payload_too_large", 413, "Payload too large"},
    {"unsupported_media_type", 415, "Unsupported media type"},
    {"recipient_suppressed", 422, "Recipient suppressed"},
    {"rate_limited", 429, "Rate limited"},
    {"headers_too_large", 431, "Request headers too large"},
    {"internal_error", 500, "Internal error"},
    {"overloaded", 503, "Overloaded"},
    {"storage_unavailable", 503, "Storage unavailable"},
    {"request_timeout", 408, "Request timeout"},
    {"storage_error", 503, "Storage unavailable"},
}};

const CodeInfo* Find(std::string_view code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

}  // namespace

unsigned StatusFor(std::string_view code) {
  const CodeInfo* info = Find(code);
  return info ? info->status : 500;
}

Response JsonResponse(unsigned status, std::string body) {
  Response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string ProblemBody(const Error& error) {
  const CodeInfo* info = Find(error.code);
  nlohmann::json body = {
      {"type", "about:blank"},
      {"title", info ? info->title : "Internal error"},
      {"status", info ? info->status : 500},
      {"code", info ? error.code : "internal_error"},
      {"detail", error.detail},
  };
  if (!error.field.empty()) body["field"] = error.field;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response ProblemResponse(const Error& error, int retry_after_s) {
  Response res{static_cast<http::status>(StatusFor(error.code)), 11};
  res.set(http::field::content_type, "application/problem+json");
  if (retry_after_s > 0) res.set(http::field::retry_after, std::to_string(retry_after_s));
  res.body() = ProblemBody(error);
  res.prepare_payload();
  return res;
}

}  // namespace deliverer::api
