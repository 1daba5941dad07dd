#include "sim/http_wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "common/url_encoding.h"
#include "sim/receipt_pdu.h"
#include "text/text.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

enum class Field : uint8_t { kFrom, kTo, kText, kReference, kReceipt, kValidity, kOther };

Field FieldOf(std::string_view key) {
  if (key == "from") return Field::kFrom;
  if (key == "to") return Field::kTo;
  if (key == "text") return Field::kText;
  if (key == "reference") return Field::kReference;
  if (key == "receipt") return Field::kReceipt;
  if (key == "validity_s") return Field::kValidity;
  return Field::kOther;
}

Error Invalid(std::string_view field, std::string_view what) {
  return Error::Of("invalid_request", std::string(what), std::string(field));
}

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// from and to must name someone; text may be empty (the carrier decides what to do with it).
Status CheckRequired(const SendRequest& r, bool from_seen, bool to_seen, bool text_seen) {
  if (!from_seen || r.from.empty()) return Invalid("from", "from is required");
  if (!to_seen || r.to.empty()) return Invalid("to", "to is required");
  if (!text_seen) return Invalid("text", "text is required");
  return Status::Ok();
}

Status ReadJsonField(Field field, const Json& v, SendRequest& r) {
  switch (field) {
    case Field::kFrom:
    case Field::kTo:
    case Field::kText: {
      if (!v.is_string()) return Status(Invalid("", "from, to and text must be strings"));
      std::string& out = field == Field::kFrom ? r.from : field == Field::kTo ? r.to : r.text;
      out = v.get<std::string>();
      return Status::Ok();
    }
    case Field::kReference:
      if (v.is_null()) return Status::Ok();
      if (!v.is_string()) return Status(Invalid("reference", "reference must be a string"));
      r.reference = v.get<std::string>();
      return Status::Ok();
    case Field::kReceipt:
      if (v.is_null()) return Status::Ok();
      if (!v.is_boolean()) return Status(Invalid("receipt", "receipt must be true or false"));
      r.receipt = v.get<bool>();
      return Status::Ok();
    case Field::kValidity:
      if (v.is_null()) return Status::Ok();
      if (!v.is_number_unsigned()) {
        return Status(Invalid("validity_s", "validity_s must be 0 or more"));
      }
      r.validity_s = v.get<uint64_t>();
      return Status::Ok();
    case Field::kOther:
      return Status::Ok();
  }
  return Status::Ok();
}

Result<SendRequest> ParseJson(std::string_view body) {
  const Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Invalid("", "the body must be a JSON object");
  }
  SendRequest r;
  for (const auto& [key, value] : parsed.items()) {
    const Field field = FieldOf(key);
    if (Status s = ReadJsonField(field, value, r); !s.ok()) {
      Error e = s.error();
      if (e.field.empty()) e.field = key;
      return e;
    }
  }
  const Status s = CheckRequired(r, parsed.contains("from"), parsed.contains("to"),
                                 parsed.contains("text"));
  if (!s.ok()) return s.error();
  return r;
}

std::optional<bool> FormBool(std::string_view v) {
  if (v == "1" || v == "true") return true;
  if (v == "0" || v == "false") return false;
  return std::nullopt;
}

std::optional<uint64_t> FormUnsigned(std::string_view v) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return value;
}

Status ReadFormField(Field field, std::string&& v, SendRequest& r) {
  switch (field) {
    case Field::kFrom: r.from = std::move(v); break;
    case Field::kTo: r.to = std::move(v); break;
    case Field::kText: r.text = std::move(v); break;
    case Field::kReference: r.reference = std::move(v); break;
    case Field::kReceipt: {
      auto receipt = FormBool(v);
      if (!receipt) return Status(Invalid("receipt", "receipt must be 1, 0, true or false"));
      r.receipt = *receipt;
      break;
    }
    case Field::kValidity: {
      auto validity = FormUnsigned(v);
      if (!validity) return Status(Invalid("validity_s", "validity_s must be 0 or more"));
      r.validity_s = *validity;
      break;
    }
    case Field::kOther: break;
  }
  return Status::Ok();
}

Result<SendRequest> ParseFormRequest(std::string_view body) {
  auto pairs = ParseForm(body);
  if (!pairs) return Invalid("", "the body is not form-encoded");
  SendRequest r;
  std::vector<std::string> seen;
  for (auto& [key, value] : *pairs) {
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return Invalid(key, "a field is repeated");
    }
    seen.push_back(key);
    if (!text::CountSegments(value).ok()) return Invalid(key, "a field is not UTF-8");
    if (Status s = ReadFormField(FieldOf(key), std::move(value), r); !s.ok()) return s.error();
  }
  auto has = [&](std::string_view key) {
    return std::find(seen.begin(), seen.end(), key) != seen.end();
  };
  if (Status s = CheckRequired(r, has("from"), has("to"), has("text")); !s.ok()) return s.error();
  return r;
}

// Keys in the order written here, which is the order docs/simulator.md shows.
std::string Dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Result<SendRequest> ParseSendRequest(std::string_view content_type, std::string_view body) {
  const std::string type = MediaType(content_type);
  if (type == "application/json") return ParseJson(body);
  if (type == "application/x-www-form-urlencoded") return ParseFormRequest(body);
  return Invalid("", "the body must be application/json or application/x-www-form-urlencoded");
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  return ParseUrlEncoded(body, /*plus_is_space=*/true);
}

bool BearerMatches(std::string_view authorization, std::string_view token) {
  if (token.empty()) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() != kScheme.size() + token.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  return authorization.substr(kScheme.size()) == token;
}

std::string FormatCode(uint32_t code) { return fmt::format("0x{:02X}", code); }

WireAnswer ErrorAnswer(unsigned status, std::string_view error) {
  return {status, Dump({{"error", error}})};
}

WireAnswer SendAnswer(const SubmitDecision& d, std::string_view carrier_id) {
  switch (d.kind) {
    case AnswerKind::kAccepted:
      return {200, Dump({{"message_id", carrier_id}})};
    case AnswerKind::kThrottled:
      return ErrorAnswer(429, "throttled");
    case AnswerKind::kTransient:
      return {503, Dump({{"error", "temporarily_unavailable"}, {"code", FormatCode(d.status)}})};
    case AnswerKind::kPermanent:
      return {400, Dump({{"error", "invalid_destination"}, {"code", FormatCode(d.status)}})};
  }
  return ErrorAnswer(500, "internal");
}

std::string ReceiptBody(std::string_view carrier_id, size_t outcome, int64_t done_unix_ms) {
  const size_t index = outcome < kReceiptStats.size() ? outcome : 0;
  return Dump({{"carrier_message_id", carrier_id},
               {"status", kReceiptStats[index]},
               {"error_code", fmt::format("{:03}", ErrorCodeOf(index))},
               {"done_at", FormatRfc3339(done_unix_ms)}});
}

std::string InboundBody(std::string_view from, std::string_view to, std::string_view text) {
  return Dump({{"from", from}, {"to", to}, {"text", text}});
}

}  // namespace deliverer::sim
