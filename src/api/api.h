#pragma once
// The producer- and operator-facing HTTP API of docs/api.md: routing, authentication, scopes,
// rate limits, back-pressure, and the handlers. Transport-free: HttpServer feeds it
// parsed requests. Handle() may run concurrently on several I/O threads.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "api/acceptance.h"
#include "api/authenticator.h"
#include "api/carrier_callbacks.h"
#include "api/http_types.h"
#include "api/process_view.h"
#include "api/rate_limiter.h"
#include "carriers/callback_sink.h"
#include "common/clock.h"
#include "config/config.h"
#include "dashboard/sampler.h"
#include "metrics/metrics.h"
#include "queue/claims.h"
#include "model/price.h"
#include "queue/queue.h"
#include "routing/canary_halts.h"
#include "routing/router_holder.h"
#include "store/audit_log.h"
#include "store/canary_store.h"
#include "store/compliance_store.h"
#include "store/erasure_store.h"
#include "store/inbound_store.h"
#include "store/key_store.h"
#include "store/message_store.h"
#include "validation/request.h"

namespace deliverer::api {

struct ApiOptions {
  RateLimits rate_limits;
  // Shared limits (redis/shared_rate_limiter.h), which must outlive the Api; null: this
  // process's own buckets, from `rate_limits`.
  RateLimiter* rate_limiter = nullptr;
  int64_t queue_high_water = 1'000'000;
  double delivery_tps = 0;  // total carrier throughput, for estimated_processing_ms; 0 = unknown

  // Set when this process delivers (serve --role all or worker), null otherwise; they
  // must outlive the Api. `queue` takes the committed messages (called on an I/O thread).
  queue::Queue* queue = nullptr;
  // False when the store's hand-over brings what is accepted to `queue` instead (RabbitMQ
  // dispatch, docs/deployment.md): the queue is then only read (its oldest delivery).
  bool publish_accepted = true;
  const DeliveryView* delivery = nullptr;
  // Shared with this process's delivery engine, so a cancel and a submit exclude each
  // other (queue/claims.h); null when nothing delivers here.
  queue::Claims* claims = nullptr;
  // Set when another process delivers what this one accepts (--role api on a shared
  // store): it cannot see that process's submits in flight, so it cancels only scheduled
  // messages, which no process submits yet (docs/deployment.md).
  bool delivered_elsewhere = false;
  // Where producers' requests are validated; null = on the I/O thread. Checking a number
  // against the numbering plan takes tens of µs (docs/benchmarks.md): run elsewhere, it
  // no longer holds up the other connections' reads, writes and answers.
  boost::asio::thread_pool* validation_pool = nullptr;
  // Null: /readyz says nothing of credentials.
  const CredentialReport* credentials = nullptr;
  // The dashboard's series (GET /v1/admin/dashboard); null: it answers without them.
  const dashboard::Sampler* dashboard = nullptr;
  // Cost estimates (docs/api.md "Cost"): the routes in use, so that a reload moves
  // estimates with deliveries, and the currency of their prices. Null: messages are
  // accepted without an estimate. Must outlive the Api.
  const routing::RouterHolder* routes = nullptr;
  std::string currency = std::string(model::kDefaultCurrency);
  // The canary roll-outs halted in this process, when it delivers: estimates leave their
  // canary arm out, and a resume lifts the halt at once (the engine's next read of the
  // store would too). Null (--role api): the store alone says what is halted, and
  // estimates are made as if nothing were.
  routing::CanaryHalts* canary_halts = nullptr;

  // Carrier callbacks (POST /v1/dlr/{carrier}, /v1/inbound/{carrier}): who may call, and
  // where the body of an authenticated one goes, to be read and recorded (its answer is
  // the API's). Null: every authenticated callback answers 503 storage_unavailable unread.
  // Must outlive the Api.
  std::vector<CallbackAuth> carrier_callbacks;
  carriers::CallbackSink* callback_sink = nullptr;

  // Per account ([accounts.<account>]): what its requests get for the fields they leave out.
  std::map<std::string, validation::MessageDefaults, std::less<>> account_defaults;
  validation::MessageDefaults DefaultsFor(std::string_view account) const;

  // The limits, carrier callbacks and account defaults of the configuration; the pointers
  // are left for the caller to set.
  static ApiOptions From(const config::Config& config);
};

// The store seams the API reads and writes; server/ passes one backend as all of them.
struct ApiStores {
  store::MessageStore& messages;
  store::ComplianceStore& suppressions;
  store::ErasureStore& erasure;
  store::AuditLog& audit;
  store::KeyStore& keys;         // authentication only (FindApiKey)
  store::InboundStore& inbound;  // listing only
  store::CanaryStore& canaries;  // halted roll-outs: listing and resumes
};

class Api {
 public:
  Api(ApiStores stores, const validation::Validator& validator, metrics::Registry& metrics,
      Clock& clock, ApiOptions options);

  boost::asio::awaitable<Response> Handle(Request request, Peer peer);

  // Counts a request answered by the transport itself (413, 431, 408), for /metrics.
  void CountTransportError(unsigned status);

  // What the SMPP server for producers shares with the HTTP API (smppd/server.h): the
  // acceptance pipeline, each key's rate limit, and the failed authentications per address.
  Acceptor& acceptor() { return acceptor_; }
  RateLimiter& rate_limiter() { return *rate_limiter_; }
  AuthFailureLimiter& auth_failures() { return auth_failures_; }

 private:
  struct Context {
    Request& request;
    Caller caller;
    std::string path_param;  // the {id} or {number} of the route, percent-decoded
    std::string_view query;
  };
  using Handler = boost::asio::awaitable<Response> (Api::*)(Context&);
  struct Route {
    http::verb method;
    // The path; with a parameter, its fixed part before a trailing {param}, or the whole
    // template with "{}" where the parameter goes ("/v1/admin/canaries/{}/resume").
    std::string_view prefix;
    bool has_param;
    uint32_t scope;
    Handler handler;
    std::string_view label;   // the route template, for metrics
    // The audit action recorded when the call succeeds; "" for routes whose handler
    // audits in the same commit as its change (sends, suppression changes).
    std::string_view audit;
  };
  static const Route kRoutes[];

  boost::asio::awaitable<Response> Dispatch(Request& request, Peer peer,
                                            std::string_view* label);
  // Records a successful read or admin call in the audit trail, without waiting for it.
  void AuditCall(const Context& ctx, std::string_view action);
  // Authenticates, checks the scope and the rate limits (the source address's failed
  // authentications first).
  Result<Caller> Admit(const Request& request, uint32_t scope, const std::string& source_ip,
                       int* retry_after_s);

  // Handlers, one per route and method.
  boost::asio::awaitable<Response> SendMessage(Context& ctx);
  boost::asio::awaitable<Response> SendBatch(Context& ctx);
  boost::asio::awaitable<Response> GetMessage(Context& ctx);
  boost::asio::awaitable<Response> CancelMessage(Context& ctx);
  boost::asio::awaitable<Response> ListMessages(Context& ctx);
  boost::asio::awaitable<Response> ListSuppressions(Context& ctx);
  boost::asio::awaitable<Response> PutSuppression(Context& ctx);
  boost::asio::awaitable<Response> DeleteSuppression(Context& ctx);
  boost::asio::awaitable<Response> ListAudit(Context& ctx);
  boost::asio::awaitable<Response> ListInbound(Context& ctx);
  // GET /v1/inbound: the caller's account's inbound messages (docs/api.md "Inbound
  // messages to producers"); never another account's nor an unassigned number's.
  boost::asio::awaitable<Response> ListAccountInbound(Context& ctx);
  // A page of either list; `admin`: every field, the account and keyword flag included.
  Response ListInboundPage(store::InboundQuery query, const Context& ctx, bool admin);
  boost::asio::awaitable<Response> ListCarriers(Context& ctx);
  // GET /v1/admin/canaries and POST /v1/admin/canaries/{flag}/resume (canary_handlers.cc,
  // docs/api.md "Canary roll-outs").
  boost::asio::awaitable<Response> ListCanaries(Context& ctx);
  boost::asio::awaitable<Response> ResumeCanary(Context& ctx);
  boost::asio::awaitable<Response> GetDashboard(Context& ctx);
  boost::asio::awaitable<Response> Erase(Context& ctx);

  // POST /v1/dlr/{carrier} and /v1/inbound/{carrier}: no API key, the carrier's own auth.
  boost::asio::awaitable<Response> CarrierCallback(Request& request, std::string_view kind,
                                                   std::string carrier, const Peer& peer);
  Response Healthz();
  Response Readyz();
  // The /readyz body; `ready` receives its verdict.
  nlohmann::json Readiness(bool* ready);
  // GET / and /dashboard/{file}: the page, which holds no data (dashboard/assets.h).
  static Response DashboardAsset(std::string_view path);
  Response Metrics();
  // Seconds since the oldest delivery this process's queue holds became due (0 when it
  // holds none); nullopt in a process that does not deliver (queue/queue.h OldestQueuedAt).
  std::optional<double> OldestQueuedAgeSeconds() const;

  boost::asio::awaitable<Result<store::CancelResult>> Cancel(const Context& ctx, const std::string& id);
  Result<store::MessageQuery> ParseMessageQuery(std::string_view query, const Caller& caller);
  void FillBatchResult(const Result<store::InsertResult>& inserted, nlohmann::json& out);
  int64_t EstimatedProcessingMs() const;

  Response Reject(const Error& error, int retry_after_s = 0);
  Response StorageFailure(const Error& error, std::string_view request_id);
  // Runs `work` (thread-safe, no I/O of its own beyond store reads) on the validation
  // pool when there is one, and resumes on the caller's executor with its result.
  template <class Work>
  boost::asio::awaitable<std::invoke_result_t<Work&>> OffIoThread(Work work) {
    using Out = std::invoke_result_t<Work&>;
    if (options_.validation_pool == nullptr) co_return work();
    // co_spawn wants a default-constructible result; Result<T> is not.
    std::optional<Out> out = co_await boost::asio::co_spawn(
        options_.validation_pool->get_executor(),
        [&work]() -> boost::asio::awaitable<std::optional<Out>> { co_return work(); },
        boost::asio::use_awaitable);
    co_return std::move(*out);
  }

  const ApiStores stores_;
  const validation::Validator& validator_;
  metrics::Registry& metrics_;
  Clock& clock_;
  const ApiOptions options_;
  Acceptor acceptor_;
  Authenticator authenticator_;
  std::unique_ptr<LocalRateLimiter> own_rate_limiter_;  // when ApiOptions gives none
  RateLimiter* rate_limiter_;
  AuthFailureLimiter auth_failures_;
  metrics::Counter& auth_failures_limited_;
};

}  // namespace deliverer::api
