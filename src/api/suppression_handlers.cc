// GET /v1/suppressions, PUT and DELETE /v1/suppressions/{number}, GET /v1/admin/audit,
// GET /v1/admin/inbound, POST /v1/admin/erase.
#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>

#include "api/api.h"
#include "api/request_helpers.h"
#include "api/views.h"
#include "common/mask.h"
#include "common/time_format.h"

namespace deliverer::api {

using boost::asio::awaitable;

namespace {

constexpr size_t kMaxReasonBytes = 200;
constexpr size_t kMaxNumberBytes = 32;  // E.164 is 16 at most; room for a clear error

// The one field a small JSON body may carry, `{"<name>": "<at most max_bytes>"}`, nothing
// else; nullopt when the object does not have it.
Result<std::optional<std::string>> OnlyStringField(const Request& request, std::string_view name,
                                                   size_t max_bytes) {
  const auto type = request[http::field::content_type];
  if (!IsJsonContentType(std::string_view(type.data(), type.size()))) {
    return Error::Of("unsupported_media_type", "send the body as application/json");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(request.body()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Error::Of("invalid_json", "the body must be a JSON object");
  }
  std::optional<std::string> found;
  for (auto [key, value] : doc.get_object()) {
    if (key != name) {
      return Error::Of("invalid_field", "unknown field '" + std::string(key) + "'", std::string(key));
    }
    std::string_view text;
    if (value.get(text) != simdjson::SUCCESS || text.size() > max_bytes) {
      return Error::Of("invalid_field",
                       fmt::format("'{}' must be a string of at most {} bytes", name, max_bytes),
                       std::string(name));
    }
    found = std::string(text);
  }
  return found;
}

// The optional PUT body {"reason": "..."}; absent or empty body → "api".
Result<std::string> ParseReason(const Request& request) {
  if (request.body().empty()) return std::string("api");
  auto reason = OnlyStringField(request, "reason", kMaxReasonBytes);
  if (!reason.ok()) return reason.take_error();
  return reason->value_or("api");
}

// The body of POST /v1/admin/erase: {"number": "+…"}.
Result<std::string> ParseEraseNumber(const Request& request) {
  auto number = OnlyStringField(request, "number", kMaxNumberBytes);
  if (!number.ok()) return number.take_error();
  if (!*number) return Error::Of("invalid_field", "'number' is required", "number");
  return std::move(**number);
}

// The `flag` filter of GET /v1/admin/inbound: a keyword action as stored, "none" for
// messages without a keyword.
std::optional<std::string> InboundFlag(std::string_view flag) {
  for (std::string_view known : {"opt_out", "opt_out_all", "opt_in", "help", "review"}) {
    if (flag == known) return std::string(flag);
  }
  if (flag == "none") return std::string();
  return std::nullopt;
}

Result<int> ParseLimit(const std::string& value) {
  int limit = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
  if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 1000) {
    return Error::Of("invalid_field", "'limit' must be an integer from 1 to 1000", "limit");
  }
  return limit;
}

Result<std::pair<int64_t, std::string>> ParseInboundCursor(const std::string& value) {
  auto position = DecodeCursor(value);
  const size_t colon = position ? position->find(':') : std::string::npos;
  int64_t at = 0;
  if (colon == std::string::npos ||
      std::from_chars(position->data(), position->data() + colon, at).ec != std::errc()) {
    return Error::Of("invalid_field", "invalid cursor", "cursor");
  }
  return std::make_pair(at, position->substr(colon + 1));
}

// `with_flag`: the admin list's `flag` filter is allowed; an account's list pages only.
Result<store::InboundQuery> ParseInboundQuery(std::string_view text, bool with_flag = true) {
  auto params = ParseQuery(text);
  if (!params.ok()) return params.take_error();
  store::InboundQuery query;
  for (auto& [name, value] : *params) {
    if (name == "flag" && with_flag) {
      query.keyword_action = InboundFlag(value);
      if (!query.keyword_action) {
        return Error::Of("invalid_field",
                         "'flag' must be one of review, opt_out, opt_out_all, opt_in, help, none", name);
      }
    } else if (name == "limit") {
      auto limit = ParseLimit(value);
      if (!limit.ok()) return limit.take_error();
      query.limit = *limit;
    } else if (name == "cursor") {
      auto after = ParseInboundCursor(value);
      if (!after.ok()) return after.take_error();
      query.after = std::move(*after);
    } else {
      return Error::Of("invalid_field", "unknown query parameter '" + name + "'", name);
    }
  }
  return query;
}

store::AuditEntry Audit(const Caller& caller, std::string action, const std::string& number,
                        int64_t now_ms) {
  return store::AuditEntry{0,           now_ms,           caller.key_id,  caller.account,
                           caller.source_ip, std::move(action), MaskNumber(number),
                           caller.request_id};
}

}  // namespace

awaitable<Response> Api::ListSuppressions(Context& ctx) {
  auto params = ParseQuery(ctx.query);
  if (!params.ok()) co_return Reject(params.error());
  store::SuppressionQuery query{ctx.caller.account, 100, std::nullopt};
  for (auto& [name, value] : *params) {
    if (name == "cursor") {
      query.after_number = DecodeCursor(value);
      if (!query.after_number) co_return Reject(Error::Of("invalid_field", "invalid cursor", name));
    } else if (name == "limit") {
      int limit = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 1000) {
        co_return Reject(Error::Of("invalid_field", "'limit' must be 1 to 1000", name));
      }
      query.limit = limit;
    } else {
      co_return Reject(Error::Of("invalid_field", "unknown query parameter '" + name + "'", name));
    }
  }
  const int limit = query.limit;
  query.limit = limit + 1;  // one more tells whether a next page exists
  auto rows = stores_.suppressions.ListSuppressions(query);
  if (!rows.ok()) co_return StorageFailure(rows.error(), ctx.caller.request_id);
  nlohmann::json next = nullptr;
  if (rows->size() > static_cast<size_t>(limit)) {
    rows->pop_back();
    next = EncodeCursor(rows->back().number);
  }
  nlohmann::json data = nlohmann::json::array();
  for (const auto& s : *rows) data.push_back(SuppressionJson(s));
  co_return JsonResponse(200, Dump({{"data", std::move(data)}, {"next_cursor", next}}));
}

awaitable<Response> Api::PutSuppression(Context& ctx) {
  if (auto region = validator_.ValidateDestination(ctx.path_param); !region.ok()) {
    co_return Reject(Error::Of("invalid_destination", region.error().detail, "number"));
  }
  auto reason = ParseReason(ctx.request);
  if (!reason.ok()) co_return Reject(reason.error());
  const int64_t now = clock_.NowUnixMillis();
  store::Suppression suppression{ctx.caller.account, ctx.path_param, std::move(*reason), "api", now};
  const nlohmann::json body = SuppressionJson(suppression);
  Status status = co_await AwaitCallback<Status>([&](auto done) {
    stores_.suppressions.PutSuppression(std::move(suppression),
                          Audit(ctx.caller, "suppression.put", ctx.path_param, now),
                          std::move(done));
  });
  if (!status.ok()) co_return StorageFailure(status.error(), ctx.caller.request_id);
  co_return JsonResponse(200, Dump(body));
}

awaitable<Response> Api::DeleteSuppression(Context& ctx) {
  const int64_t now = clock_.NowUnixMillis();
  Status status = co_await AwaitCallback<Status>([&](auto done) {
    stores_.suppressions.DeleteSuppression(ctx.caller.account, ctx.path_param,
                             Audit(ctx.caller, "suppression.delete", ctx.path_param, now),
                             std::move(done));
  });
  if (!status.ok() && status.error().code == "not_found") {
    co_return Reject(Error::Of("not_found", "that number is not on the suppression list"));
  }
  if (!status.ok()) co_return StorageFailure(status.error(), ctx.caller.request_id);
  Response res{http::status::no_content, 11};
  res.prepare_payload();
  co_return res;
}

awaitable<Response> Api::ListAudit(Context& ctx) {
  auto params = ParseQuery(ctx.query);
  if (!params.ok()) co_return Reject(params.error());
  store::AuditQuery query;
  for (auto& [name, value] : *params) {
    if (name == "since" || name == "until") {
      auto ms = ParseRfc3339(value);
      if (!ms) co_return Reject(Error::Of("invalid_field", "'" + name + "' must be RFC 3339", name));
      (name == "since" ? query.since_ms : query.until_ms) = *ms;
    } else if (name == "action") {
      query.action = value;
    } else if (name == "key_id") {
      query.key_id = value;
    } else if (name == "account") {
      query.account = value;
    } else if (name == "limit") {
      int limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 1000) {
        co_return Reject(Error::Of("invalid_field", "'limit' must be between 1 and 1000", name));
      }
      query.limit = limit;
    } else if (name == "cursor") {
      auto seq = DecodeCursor(value);
      if (!seq || std::from_chars(seq->data(), seq->data() + seq->size(), query.after_seq).ec !=
                      std::errc()) {
        co_return Reject(Error::Of("invalid_field", "invalid cursor", name));
      }
    } else {
      co_return Reject(Error::Of("invalid_field", "unknown query parameter '" + name + "'", name));
    }
  }
  const int limit = query.limit;
  query.limit = limit + 1;
  auto rows = stores_.audit.ListAudit(query);
  if (!rows.ok()) co_return StorageFailure(rows.error(), ctx.caller.request_id);
  nlohmann::json next = nullptr;
  if (rows->size() > static_cast<size_t>(limit)) {
    rows->pop_back();
    next = EncodeCursor(std::to_string(rows->back().seq));
  }
  nlohmann::json data = nlohmann::json::array();
  for (const auto& e : *rows) data.push_back(AuditJson(e));
  co_return JsonResponse(200, Dump({{"data", std::move(data)}, {"next_cursor", next}}));
}

awaitable<Response> Api::ListAccountInbound(Context& ctx) {
  auto query = ParseInboundQuery(ctx.query, false);
  if (!query.ok()) co_return Reject(query.error());
  query->account = ctx.caller.account;  // the caller's own only (BOLA)
  co_return ListInboundPage(std::move(*query), ctx, false);
}

awaitable<Response> Api::ListInbound(Context& ctx) {
  auto query = ParseInboundQuery(ctx.query);
  if (!query.ok()) co_return Reject(query.error());
  co_return ListInboundPage(std::move(*query), ctx, true);
}

Response Api::ListInboundPage(store::InboundQuery query, const Context& ctx, bool admin) {
  const int limit = query.limit;
  query.limit = limit + 1;  // one more tells whether a next page exists
  auto rows = stores_.inbound.ListInbound(query);
  if (!rows.ok()) return StorageFailure(rows.error(), ctx.caller.request_id);
  nlohmann::json next = nullptr;
  if (rows->size() > static_cast<size_t>(limit)) {
    rows->pop_back();
    next = EncodeCursor(fmt::format("{}:{}", rows->back().at_ms, rows->back().id));
  }
  nlohmann::json data = nlohmann::json::array();
  for (const auto& in : *rows) data.push_back(admin ? InboundJson(in) : AccountInboundJson(in));
  return JsonResponse(200, Dump({{"data", std::move(data)}, {"next_cursor", next}}));
}

awaitable<Response> Api::Erase(Context& ctx) {
  auto number = ParseEraseNumber(ctx.request);
  if (!number.ok()) co_return Reject(number.error());
  const int64_t now = clock_.NowUnixMillis();
  auto erased = co_await AwaitCallback<Result<store::EraseResult>>([&](auto done) {
    stores_.erasure.EraseNumber(*number, Audit(ctx.caller, "erase", *number, now), std::move(done));
  });
  if (!erased.ok() && erased.error().code == "invalid_destination") {
    co_return Reject(Error::Of("invalid_destination", erased.error().detail, "number"));
  }
  if (!erased.ok()) co_return StorageFailure(erased.error(), ctx.caller.request_id);
  const nlohmann::json body{{"number", MaskNumber(*number)},
                            {"messages", erased->messages},
                            {"rejected", erased->rejected},
                            {"inbound", erased->inbound},
                            {"suppressions", erased->suppressions},
                            {"log_truncated", erased->log_truncated}};
  co_return JsonResponse(200, Dump(body));
}

}  // namespace deliverer::api
