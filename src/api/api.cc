#include "api/api.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "api/request_helpers.h"
#include "api/views.h"
#include "auth/api_key.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/mask.h"
#include "common/url_encoding.h"
#include "dashboard/assets.h"

namespace deliverer::api {

using boost::asio::awaitable;

const Api::Route Api::kRoutes[] = {
    {http::verb::post, "/v1/messages/batch", false, auth::kScopeSend, &Api::SendBatch,
     "/v1/messages/batch", ""},
    {http::verb::post, "/v1/messages", false, auth::kScopeSend, &Api::SendMessage,
     "/v1/messages", ""},
    {http::verb::get, "/v1/messages", false, auth::kScopeRead, &Api::ListMessages,
     "/v1/messages", "message.list"},
    {http::verb::get, "/v1/messages/", true, auth::kScopeRead, &Api::GetMessage,
     "/v1/messages/{id}", "message.read"},
    {http::verb::delete_, "/v1/messages/", true, auth::kScopeSend, &Api::CancelMessage,
     "/v1/messages/{id}", ""},
    {http::verb::get, "/v1/inbound", false, auth::kScopeRead, &Api::ListAccountInbound,
     "/v1/inbound", "inbound.list"},
    {http::verb::get, "/v1/suppressions", false, auth::kScopeRead, &Api::ListSuppressions,
     "/v1/suppressions", "suppression.list"},
    {http::verb::put, "/v1/suppressions/", true, auth::kScopeSuppressionsWrite,
     &Api::PutSuppression, "/v1/suppressions/{number}", ""},
    {http::verb::delete_, "/v1/suppressions/", true, auth::kScopeSuppressionsWrite,
     &Api::DeleteSuppression, "/v1/suppressions/{number}", ""},
    {http::verb::get, "/v1/admin/audit", false, auth::kScopeAdmin, &Api::ListAudit,
     "/v1/admin/audit", "admin.audit.read"},
    {http::verb::get, "/v1/admin/carriers", false, auth::kScopeAdmin, &Api::ListCarriers,
     "/v1/admin/carriers", "admin.carriers.read"},
    // Not audited: the dashboard polls it every second, which would bury the trail.
    {http::verb::get, "/v1/admin/dashboard", false, auth::kScopeAdmin, &Api::GetDashboard,
     "/v1/admin/dashboard", ""},
    {http::verb::get, "/v1/admin/inbound", false, auth::kScopeAdmin, &Api::ListInbound,
     "/v1/admin/inbound", "admin.inbound.read"},
    {http::verb::post, "/v1/admin/erase", false, auth::kScopeAdmin, &Api::Erase,
     "/v1/admin/erase", ""},
    {http::verb::get, "/v1/admin/canaries", false, auth::kScopeAdmin, &Api::ListCanaries,
     "/v1/admin/canaries", "admin.canaries.read"},
    // Audited by the store in the commit that lifts the halt (canary.resume).
    {http::verb::post, "/v1/admin/canaries/{}/resume", true, auth::kScopeAdmin, &Api::ResumeCanary,
     "/v1/admin/canaries/{flag}/resume", ""},
};

Api::Api(ApiStores stores, const validation::Validator& validator, metrics::Registry& metrics,
         Clock& clock, ApiOptions options)
    : stores_(stores),
      validator_(validator),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)),
      acceptor_(stores.messages, stores.suppressions, validator, metrics, clock, options_),
      authenticator_([&keys = stores.keys](const std::string& key_id) { return keys.FindApiKey(key_id); }, clock),
      own_rate_limiter_(options_.rate_limiter == nullptr
                            ? std::make_unique<LocalRateLimiter>(options_.rate_limits, clock)
                            : nullptr),
      rate_limiter_(options_.rate_limiter != nullptr ? options_.rate_limiter : own_rate_limiter_.get()),
      auth_failures_(options_.rate_limits.auth_failures_per_ip_rps,
                     options_.rate_limits.auth_failures_per_ip_burst, clock),
      auth_failures_limited_(metrics.Counter(
          "deliverer_auth_failures_limited_total",
          "Requests answered 429 because their source address failed authentication too often")) {}

awaitable<Response> Api::Handle(Request request, Peer peer) {
  const auto start = std::chrono::steady_clock::now();
  std::string_view label = "other";
  Response response = co_await Dispatch(request, std::move(peer), &label);
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

awaitable<Response> Api::Dispatch(Request& request, Peer peer,
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
  if (request.method() == http::verb::get && (path == "/" || path.starts_with("/dashboard/"))) {
    *label = path == "/" ? "/" : "/dashboard/{file}";
    co_return DashboardAsset(path);
  }

  for (std::string_view kind : {"dlr", "inbound"}) {
    std::string carrier;
    if (!MatchPath(path, fmt::format("/v1/{}/", kind), true, &carrier)) continue;
    *label = kind == "dlr" ? "/v1/dlr/{carrier}" : "/v1/inbound/{carrier}";
    if (request.method() != http::verb::post) {
      co_return Reject(Error::Of("method_not_allowed", "only POST is allowed on " + std::string(path)));
    }
    co_return co_await CarrierCallback(request, kind, std::move(carrier), peer);
  }

  bool path_known = false;
  for (const Route& route : kRoutes) {
    std::string param;
    if (!MatchPath(path, route.prefix, route.has_param, &param)) continue;
    path_known = true;
    if (route.method != request.method()) continue;
    *label = route.label;
    int retry_after = 0;
    auto caller = Admit(request, route.scope, peer.ip, &retry_after);
    if (!caller.ok()) co_return Reject(caller.error(), retry_after);
    caller->source_ip = std::move(peer.ip);
    caller->request_id = NewUuidV7(clock_.NowUnixMillis());
    Context ctx{request, std::move(*caller), std::move(param), query};
    Response response = co_await (this->*route.handler)(ctx);
    if (!route.audit.empty() && response.result_int() < 300) AuditCall(ctx, route.audit);
    co_return response;
  }
  if (path_known) {
    co_return Reject(Error::Of("method_not_allowed",
                               fmt::format("{} is not allowed on {}",
                                           std::string(request.method_string()), path)));
  }
  co_return Reject(Error::Of("not_found", "no such resource"));
}

void Api::AuditCall(const Context& ctx, std::string_view action) {
  // A read must not wait for a commit; a failed append is logged, the answer stands.
  // Queries may hold numbers (?to=%2B44…): decoded, then masked like log lines.
  std::string target = ctx.path_param;
  if (target.empty()) {
    const std::string_view query = ctx.query.substr(0, 512);
    target = MaskText(PercentDecode(query).value_or(std::string(query)));
  }
  stores_.audit.AppendAudit(store::AuditEntry{0, clock_.NowUnixMillis(), ctx.caller.key_id, ctx.caller.account,
                                       ctx.caller.source_ip, std::string(action), std::move(target),
                                       ctx.caller.request_id},
                     [action = std::string(action)](Status s) {
                       if (!s.ok()) log::Error("audit", "{} not recorded: {}", action, s.error().detail);
                     });
}

Result<Caller> Api::Admit(const Request& request, uint32_t scope, const std::string& source_ip,
                          int* retry_after_s) {
  if (int wait = auth_failures_.Check(source_ip); wait > 0) {
    auth_failures_limited_.Inc();
    *retry_after_s = wait;
    return Error::Of("rate_limited", "too many failed authentications from this address; retry later");
  }
  const auto header = request[http::field::authorization];
  auto caller = authenticator_.Authenticate(std::string_view(header.data(), header.size()));
  if (!caller.ok()) {
    if (caller.error().code == "unauthenticated") auth_failures_.Failed(source_ip);
    return caller.take_error();
  }
  if ((caller->scopes & scope) == 0 && (caller->scopes & auth::kScopeAdmin) == 0) {
    return Error::Of("forbidden", fmt::format("this key lacks the '{}' scope",
                                              auth::FormatScopes(scope)));
  }
  if (int wait = rate_limiter_->Acquire(caller->key_id); wait > 0) {
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

Response Api::Healthz() { return JsonResponse(200, R"({"status":"ok"})"); }

// docs/api.md "Readiness detail": ready when storage answers and, in a process that
// delivers, a carrier is bound.
Response Api::Readyz() {
  bool ready = false;
  nlohmann::json body = Readiness(&ready);
  return JsonResponse(ready ? 200 : 503, Dump(body));
}

nlohmann::json Api::Readiness(bool* ready_out) {
  const Status ping = stores_.messages.Ping();
  const bool storage = ping.ok();
  const bool delivers = options_.delivery != nullptr;
  const bool carriers = !delivers || options_.delivery->CarriersUp() > 0;
  nlohmann::json checks = {{"storage", storage ? "ok" : "failing"}};
  if (delivers) checks["carriers"] = carriers ? "ok" : "none_bound";
  const bool ready = storage && carriers;
  nlohmann::json body = {{"status", ready ? "ready" : "not_ready"}, {"checks", checks}};
  // The store's own words ("database or disk is full"); they name no number and no body.
  if (!storage) body["storage_error"] = ping.error().detail;
  // Old credentials are a warning for operators, not a reason to take traffic away.
  if (options_.credentials != nullptr) {
    const std::vector<auth::AgingCredential> aging = options_.credentials->Aging();
    body["checks"]["credentials"] = aging.empty() ? "ok" : "aging";
    if (!aging.empty()) body["aging_credentials"] = AgingCredentialsJson(aging);
  }
  // Shared rate limits on this process's share alone are a warning, not a reason to
  // take traffic away: every process still limits (docs/deployment.md).
  if (const std::string_view shared = rate_limiter_->SharedState(); !shared.empty()) {
    body["checks"]["rate_limits"] = shared;
  }
  *ready_out = ready;
  return body;
}

awaitable<Response> Api::CarrierCallback(Request& request, std::string_view kind, std::string carrier,
                                         const Peer& peer) {
  const CallbackAuth* auth = nullptr;
  for (const CallbackAuth& a : options_.carrier_callbacks) {
    if (a.carrier == carrier) auth = &a;
  }
  const int64_t now_s = clock_.NowUnixMillis() / 1000;
  if (auth == nullptr || !AuthenticateCallback(*auth, request, peer, now_s)) {
    metrics_.Counter("deliverer_carrier_callbacks_refused_total", "Carrier callbacks refused (401)",
                     {{"kind", std::string(kind)}}).Inc();
    co_return Reject(Error::Of("unauthenticated", "this callback is not authenticated for the carrier"));
  }
  carriers::CallbackSink* sink = options_.callback_sink;
  if (sink == nullptr) co_return Reject(Error::Of("storage_unavailable", "this process does not deliver"));
  // The sink reads the body (its errors, invalid_json and invalid_field, are the answer as
  // they are) and says once it is durable.
  const std::string content_type(request[http::field::content_type]);
  const Status recorded = co_await AwaitCallback<Status>([&](auto done) {
    if (kind == "dlr") {
      sink->OnReceiptBody(carrier, content_type, request.body(), std::move(done));
    } else {
      sink->OnInboundBody(carrier, content_type, request.body(), std::move(done));
    }
  });
  if (!recorded.ok()) co_return Reject(recorded.error());
  co_return JsonResponse(200, R"({"status":"recorded"})");
}

awaitable<Response> Api::ListCarriers(Context&) {
  const DeliveryStatus status = options_.delivery != nullptr ? options_.delivery->Snapshot() : DeliveryStatus{};
  co_return JsonResponse(200, Dump(CarriersJson(status)));
}

// docs/api.md "Dashboard". Everything here is read from memory (the sampler's ring,
// the carriers' and the store's counters), so a poll a second costs nothing measurable.
awaitable<Response> Api::GetDashboard(Context& ctx) {
  int64_t since_ms = 0;
  if (auto params = ParseQuery(ctx.query); params.ok()) {
    for (const auto& [name, value] : *params) {
      if (name == "since") since_ms = std::strtoll(value.c_str(), nullptr, 10);
    }
  }
  nlohmann::json body = options_.dashboard != nullptr ? options_.dashboard->View(since_ms) : nlohmann::json::object();
  const DeliveryStatus status = options_.delivery != nullptr ? options_.delivery->Snapshot() : DeliveryStatus{};
  nlohmann::json carriers = CarriersJson(status)["data"];
  const nlohmann::json ratios = body.value("delivery_ratio", nlohmann::json::object());
  for (nlohmann::json& c : carriers) {
    const double submitted = c["submitted"].get<double>();
    c["submit_error_rate"] = submitted > 0 ? nlohmann::json(c["failed"].get<double>() / submitted) : nlohmann::json(nullptr);
    c["delivery_ratio"] = ratios.value(c["id"].get<std::string>(), nlohmann::json(nullptr));
  }
  body.erase("delivery_ratio");
  body["carriers"] = std::move(carriers);
  body["queue_depth"] = stores_.messages.PendingCount();
  const std::optional<double> oldest_age_s = OldestQueuedAgeSeconds();
  body["queue_oldest_age_s"] = oldest_age_s ? nlohmann::json(*oldest_age_s) : nlohmann::json(nullptr);
  bool ready = false;
  body["readiness"] = Readiness(&ready);
  body["generated_at_ms"] = clock_.NowUnixMillis();
  Response response = JsonResponse(200, Dump(body));
  response.set(http::field::cache_control, "no-store");
  co_return response;
}

Response Api::DashboardAsset(std::string_view path) {
  const dashboard::Asset* asset = dashboard::FindAsset(path);
  if (asset == nullptr) return ProblemResponse(Error::Of("not_found", "no such resource"));
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, std::string(dashboard::ContentType(asset->name)));
  // The page runs only its own files: no inline script or style, nothing from elsewhere,
  // never inside another site's frame.
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
          "form-action 'self'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::field::cache_control, "no-cache");
  res.body() = std::string(asset->bytes);
  res.prepare_payload();
  return res;
}

std::optional<double> Api::OldestQueuedAgeSeconds() const {
  if (options_.queue == nullptr) return std::nullopt;
  const std::optional<int64_t> oldest = options_.queue->OldestQueuedAt();
  if (!oldest) return 0.0;
  return static_cast<double>(std::max<int64_t>(0, clock_.NowUnixMillis() - *oldest)) / 1000.0;
}

Response Api::Metrics() {
  metrics_.Gauge("deliverer_queue_depth", "Messages waiting for a carrier (queued or being submitted)")
      .Set(static_cast<double>(stores_.messages.PendingCount()));
  // Only a process that delivers has a queue; --role api leaves the family empty.
  if (const std::optional<double> age = OldestQueuedAgeSeconds()) {
    metrics_.Gauge("deliverer_queue_oldest_age_seconds", "Age of the oldest message waiting for a carrier")
        .Set(*age);
  }
  // Evaluated at each scrape as /readyz would answer it, so alerts see flapping readiness
  // and failing storage without probing /readyz themselves.
  const bool storage = stores_.messages.Ping().ok();
  const bool carriers = options_.delivery == nullptr || options_.delivery->CarriersUp() > 0;
  metrics_.Gauge("deliverer_storage_up", "1 while the store answers and its writes are durable")
      .Set(storage ? 1 : 0);
  metrics_.Gauge("deliverer_ready", "1 while /readyz answers 200").Set(storage && carriers ? 1 : 0);
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = metrics_.Render();
  res.prepare_payload();
  return res;
}

}  // namespace deliverer::api
