#include "loadgen/replies.h"

#include "common/time_format.h"

namespace deliverer::loadgen {
namespace {

namespace dom = simdjson::dom;

std::string StringMember(dom::object object, std::string_view name) {
  std::string_view value;
  if (object[name].get_string().get(value)) return {};
  return std::string(value);
}

std::string FallbackCode(int http_status) { return "http_" + std::to_string(http_status); }

}  // namespace

std::string ReplyParser::ProblemCode(int http_status, std::string_view body) {
  dom::object object;
  if (parser_.parse(body.data(), body.size()).get_object().get(object))
    return FallbackCode(http_status);
  std::string code = StringMember(object, "code");
  return code.empty() ? FallbackCode(http_status) : code;
}

bool ReplyParser::BatchResults(std::string_view body, std::vector<BatchItem>& items) {
  items.clear();
  dom::array results;
  if (parser_.parse(body.data(), body.size())["results"].get_array().get(results)) return false;
  for (dom::element element : results) {
    dom::object item;
    int64_t index = 0, status = 0;
    if (element.get_object().get(item) || item["index"].get_int64().get(index) ||
        item["status"].get_int64().get(status) || index < 0) {
      return false;
    }
    BatchItem out{static_cast<uint32_t>(index), static_cast<int>(status), {}};
    if (status >= 300) {
      dom::object problem;
      std::string code;
      if (!item["error"].get_object().get(problem)) code = StringMember(problem, "code");
      out.code = code.empty() ? FallbackCode(out.status) : std::move(code);
    }
    items.push_back(std::move(out));
  }
  return true;
}

std::optional<WebhookEvent> ReplyParser::Webhook(std::string_view body) {
  dom::object object;
  if (parser_.parse(body.data(), body.size()).get_object().get(object)) return std::nullopt;
  WebhookEvent event;
  event.status = StringMember(object, "status");
  event.client_ref = StringMember(object, "client_ref");
  const std::optional<int64_t> at = ParseRfc3339(StringMember(object, "at"));
  if (event.status.empty() || !at) return std::nullopt;
  event.at_ms = *at;
  return event;
}

}  // namespace deliverer::loadgen
