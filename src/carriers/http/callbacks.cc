#include "carriers/http/callbacks.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <tuple>

#include "common/url_encoding.h"
#include "common/utf8.h"

namespace deliverer::carriers::http {
namespace {

using Fields = std::map<std::string, std::string>;

// A form body's pairs; a malformed escape or a repeated field is an invalid_field, as in a
// query string the API reads.
Result<Fields> FormFields(std::string_view body) {
  auto pairs = ParseUrlEncoded(body, /*plus_is_space=*/true);
  if (!pairs) return Error::Of("invalid_field", "malformed query string");
  Fields fields;
  for (auto& [name, value] : *pairs) {
    if (fields.contains(name)) return Error::Of("invalid_field", "'" + name + "' given twice", name);
    fields.emplace(std::move(name), std::move(value));
  }
  return fields;
}

// Field name → value, from a JSON object of strings (integers as written) or a
// form-encoded body.
Result<Fields> ReadFields(std::string_view content_type, std::string_view body) {
  if (content_type.starts_with("application/x-www-form-urlencoded")) return FormFields(body);
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Error::Of("invalid_json", "the body is not a JSON object");
  }
  Fields fields;
  for (const auto& [name, value] : json.items()) {
    if (value.is_string()) fields[name] = value.get<std::string>();
    else if (value.is_number_integer()) fields[name] = std::to_string(value.get<int64_t>());
  }
  return fields;
}

Result<std::string> Required(const Fields& fields, const std::string& name, size_t max_bytes) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty()) {
    return Error::Of("invalid_field", name + " is required", name);
  }
  if (it->second.size() > max_bytes) {
    return Error::Of("invalid_field", fmt::format("{} is longer than {} bytes", name, max_bytes), name);
  }
  return utf8::ToValid(it->second);
}

// A carrier's code: kept, but cut to its first kMaxCallbackCodeBytes.
std::string Optional(const Fields& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : utf8::ToValid(it->second, kMaxCallbackCodeBytes);
}

}  // namespace

Result<CallbackReceipt> ParseCallbackReceipt(std::string_view content_type, std::string_view body) {
  auto fields = ReadFields(content_type, body);
  if (!fields.ok()) return fields.take_error();
  auto id = Required(*fields, "carrier_message_id", kMaxCallbackIdBytes);
  if (!id.ok()) return id.take_error();
  auto status = Required(*fields, "status", kMaxCallbackCodeBytes);
  if (!status.ok()) return status.take_error();
  return CallbackReceipt{std::move(*id), std::move(*status), Optional(*fields, "error_code")};
}

Result<CallbackInbound> ParseCallbackInbound(std::string_view content_type, std::string_view body) {
  auto fields = ReadFields(content_type, body);
  if (!fields.ok()) return fields.take_error();
  CallbackInbound in;
  for (auto [name, target, limit] : {std::tuple{"from", &in.from, kMaxCallbackAddressBytes},
                                     std::tuple{"to", &in.to, kMaxCallbackAddressBytes},
                                     std::tuple{"text", &in.text, kMaxCallbackTextBytes}}) {
    auto value = Required(*fields, name, limit);
    if (!value.ok()) return value.take_error();
    *target = std::move(*value);
  }
  return in;
}

receipts::Receipt ReceiptOf(const CallbackReceipt& callback) {
  receipts::Receipt receipt;
  receipt.message_id = callback.carrier_message_id;
  receipt.state = receipts::ParseStat(callback.status);
  receipt.stat = callback.status;
  receipt.err = callback.error_code;
  return receipt;
}

}  // namespace deliverer::carriers::http
