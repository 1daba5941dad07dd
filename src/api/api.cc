#include "api/api.h"

#include <fmt/format.h>

#include <chrono>

#include "api/request_helpers.h"
#include "auth/api_key.h"
#include "common/ids.h"
#include "common/log.h"

namespace deliverer::api {

using boost::asio::awaitable;

const Api::Route Api::kRoutes[] = {
    {http::verb::post, "/v1/messages/batch", false, auth::kScopeSend, &Api::SendBatch,
     "/v1/messages/batch"},
    {http::verb::post, "/v1/messages", false, auth::kScopeSend, &Api::SendMessage,
     "/v1/messages"},
    {http::verb::get, "/v1/messages", false, auth::kScopeRead, &Api::ListMessages,
     "/v1/messages"},
    {http::verb::get, "/v1/messages/", true, auth::kScopeRead, &Api::GetMessage,
     "/v1/messages/{id}"},
    {http::verb::get, "/v1/suppressions", false, auth::kScopeRead, &Api::ListSuppressions,
     "/v1/suppressions"},
    {http::verb::put, "/v1/suppressions/", true, auth::kScopeSuppressionsWrite,
     &Api::PutSuppression, "/v1/suppressions/{number}"},
    {http::verb::delete_, "/v1/suppressions/", true, auth::kScopeSuppressionsWrite,
     &Api::DeleteSuppression, "/v1/suppressions/{number}"},
    {http::verb::get, "/v1/admin/audit", false, auth::kScopeAdmin, &Api::ListAudit,
     "/v1/admin/audit"},
};

Api::Api(store::Store& store, const validation::Validator& validator, metrics::Registry& metrics,
         Clock& clock, ApiOptions options)
    : store_(store),
      validator_(validator),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)),
      authenticator_(store, clock),
      rate_limiter_(options_.rate_limits, clock) {}

awaitable<Response> Api::Handle(Request request, std::string source_ip) {
  const auto start = std::chrono::steady_clock::now();
  std::string_view label = "other";
  Response response = co_await Dispatch(request, std::move(source_ip), &label);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string route(label);
  metrics_.Histogram("deliverer_http_request_duration_seconds", "HTTP request duration",
                     {{"route", route}})
      .Observe(seconds);
  metrics_.Counter("deliverer_http_requests_total", "HTTP requests answered",
                   {{"route", route}, {"code", std::to_string(response.result_int())}})
      .Inc();
  co_return response;
}

void Api::CountTransportError(unsigned status) {
  metrics_.Counter("deliverer_http_requests_total", "HTTP requests answered",
                   {{"route", "other"}, {"code", std::to_string(status)}})
      .Inc();
}

awaitable<Response> Api::Dispatch(Request& request, std::string source_ip,
                                  std::string_view* label) {
  const std::string_view target(request.target().data(), request.target().size());
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  if (request.method() == http::verb::get &&
      (path == "/healthz" || path == "/readyz" || path == "/metrics")) {
    *label = path == "/healthz" ? "/healthz" : path == "/readyz" ? "/readyz" : "/metrics";
    co_return path == "/healthz" ? Healthz() : path == "/readyz" ? Readyz() : Metrics();
  }

  bool path_known = false;
  for (const Route& route : kRoutes) {
    std::string param;
    if (!MatchPath(path, route.prefix, route.has_param, &param)) continue;
    path_known = true;
    if (route.method != request.method()) continue;
    *label = route.label;
    int retry_after = 0;
    auto caller = Admit(request, route.scope, &retry_after);
    if (!caller.ok()) co_return Reject(caller.error(), retry_after);
    caller->source_ip = std::move(source_ip);
    caller->request_id = NewUuidV7(clock_.NowUnixMillis());
    Context ctx{request, std::move(*caller), std::move(param), query};
    co_return co_await (this->*route.handler)(ctx);
  }
  if (path_known) {
    co_return Reject(Error::Of("method_not_allowed",
                               fmt::format("{} is not allowed on {}",
                                           std::string(request.method_string()), path)));
  }
  co_return Reject(Error::Of("not_found", "no such resource"));
}

Result<Caller> Api::Admit(const Request& request, uint32_t scope, int* retry_after_s) {
  const auto header = request[http::field::authorization];
  auto caller = authenticator_.Authenticate(std::string_view(header.data(), header.size()));
  if (!caller.ok()) return caller.take_error();
  if ((caller->scopes & scope) == 0 && (caller->scopes & auth::kScopeAdmin) == 0) {
    return Error::Of("forbidden", fmt::format("this key lacks the '{}' scope",
                                              auth::FormatScopes(scope)));
  }
  if (int wait = rate_limiter_.Acquire(caller->key_id); wait > 0) {
    *retry_after_s = wait;
    return Error::Of("rate_limited", "too many requests for this key; retry later");
  }
  return caller;
}

Response Api::Reject(const Error& error, int retry_after_s) {
  return ProblemResponse(error, retry_after_s);
}

Response Api::StorageFailure(const Error& error, std::string_view request_id) {
  log::WarnFor("api", request_id, "storage failure: {}", error.detail);
  return ProblemResponse(
      Error::Of("storage_unavailable", "storage is not accepting writes; retry later"), 1);
}

std::optional<Error> Api::CheckOverloaded() const {
  if (store_.PendingCount() < options_.queue_high_water) return std::nullopt;
  return Error::Of("overloaded", "the queue is over its high-water mark; retry later");
}

Response Api::Healthz() { return JsonResponse(200, R"({"status":"ok"})"); }

Response Api::Readyz() {
  if (Status s = store_.Ping(); !s.ok()) {
    return JsonResponse(503, R"({"status":"not_ready","checks":{"storage":"failing"}})");
  }
  return JsonResponse(200, R"({"status":"ready","checks":{"storage":"ok"}})");
}

Response Api::Metrics() {
  metrics_.Gauge("deliverer_queue_depth", "Messages accepted and not yet terminal")
      .Set(static_cast<double>(store_.PendingCount()));
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = metrics_.Render();
  res.prepare_payload();
  return res;
}

}  // namespace deliverer::api
