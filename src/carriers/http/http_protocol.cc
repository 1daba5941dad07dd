#include "carriers/http/http_protocol.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

namespace deliverer::carriers::http {

namespace {

constexpr size_t kMaxCarrierIdBytes = 128;

std::string FormEscape(std::string_view text) {
  // libcurl ignores the handle here (7.82+); it escapes everything but RFC 3986 unreserved.
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return escaped ? std::string(escaped.get()) : std::string();
}

}  // namespace

std::string_view ContentType(const config::HttpCarrierConfig& api) {
  return api.format == "form" ? "application/x-www-form-urlencoded" : "application/json";
}

std::string BuildBody(const config::HttpCarrierConfig& api, const CarrierSubmit& submit) {
  const config::HttpFieldNames& f = api.fields;
  if (api.format == "form") {
    std::string body;
    auto add = [&](const std::string& name, std::string_view value) {
      if (name.empty()) return;
      if (!body.empty()) body += '&';
      body += FormEscape(name);
      body += '=';
      body += FormEscape(value);
    };
    add(f.from, submit.from);
    add(f.to, submit.to);
    add(f.text, submit.text);
    add(f.reference, submit.message_id);
    add(f.receipt, submit.want_receipt ? "1" : "0");
    if (submit.validity_s > 0) add(f.validity_s, std::to_string(submit.validity_s));
    return body;
  }
  nlohmann::json body = nlohmann::json::object();
  auto set = [&](const std::string& name, nlohmann::json value) {
    if (!name.empty()) body[name] = std::move(value);
  };
  set(f.from, submit.from);
  set(f.to, submit.to);
  set(f.text, submit.text);
  set(f.reference, submit.message_id);
  set(f.receipt, submit.want_receipt);
  if (submit.validity_s > 0) set(f.validity_s, submit.validity_s);
  // A body that is not valid UTF-8 never passed validation; replace rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> JsonValueAt(std::string_view json, std::string_view path) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  const nlohmann::json* at = &doc;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string_view step = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (at->is_object()) {
      auto it = at->find(std::string(step));
      if (it == at->end()) return std::nullopt;
      at = &*it;
    } else if (at->is_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
      if (ec != std::errc() || end != step.data() + step.size() || index >= at->size()) return std::nullopt;
      at = &(*at)[index];
    } else {
      return std::nullopt;
    }
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_number()) return at->dump();
  return std::nullopt;
}

SubmitReport Classify(const config::HttpCarrierConfig& api, receipts::CarrierIdMatch id_match,
                      int status, std::string_view body, std::string_view message_id) {
  SubmitReport report;
  if (status >= 200 && status < 300) {
    std::optional<std::string> id = JsonValueAt(body, api.id_field);
    // An id longer than any carrier's (SMPP allows 65 bytes) is not one to store.
    if (!id || id->empty() || id->size() > kMaxCarrierIdBytes) {
      // Taken, but with nothing to match a receipt by. Resending could deliver it twice, so
      // it counts as sent under a key no receipt can match, and ends when the wait is over.
      report.kind = SubmitReport::Kind::kAccepted;
      report.detail = fmt::format("answer {} without {}", status, api.id_field);
      report.accepted.push_back(
          AcceptedSegment{AcceptedSegment::kWholeMessage, "", fmt::format("no-id:{}", message_id)});
      return report;
    }
    report.kind = SubmitReport::Kind::kAccepted;
    report.accepted.push_back(AcceptedSegment{
        AcceptedSegment::kWholeMessage, *id,
        receipts::NormalizeCarrierId(*id, receipts::SubmitRespIdForm(id_match))});
    return report;
  }
  const bool permanent = std::find(api.permanent_statuses.begin(), api.permanent_statuses.end(), status) !=
                         api.permanent_statuses.end();
  report.kind = permanent ? SubmitReport::Kind::kPermanent : SubmitReport::Kind::kTransient;
  report.carrier_code = std::to_string(status);
  report.detail = fmt::format("HTTP {}", status);
  if (!api.error_field.empty()) {
    if (auto code = JsonValueAt(body, api.error_field); code && !code->empty() && code->size() <= 64) {
      report.carrier_code += "/" + *code;
      report.detail += " " + *code;
    }
  }
  return report;
}

}  // namespace deliverer::carriers::http
