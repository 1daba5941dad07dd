#include "server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "api/tls_server.h"
#include "auth/api_key.h"
#include "carriers/http/callback_sink.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"
#include "dashboard/sampler.h"
#include "errors/crash.h"
#include "errors/reporter.h"
#include "rabbitmq/client.h"
#include "redis/shared_rate_limiter.h"
#include "server/components.h"
#include "server/credential_watch.h"
#include "server/data_key_job.h"
#include "server/retention_job.h"
#include "server/systemd_notifier.h"
#include "server/delivery_runtime.h"
#include "server/metrics_catalog.h"
#include "smppd/net/server.h"
#include "tls/server_context.h"
#include "webhooks/http_post.h"

namespace deliverer::server {
namespace {

namespace asio = boost::asio;

void InitLogging(const config::LoggingConfig& logging, bool demo) {
  log::Level level = log::Level::kInfo;
  log::ParseLevel(logging.level, &level);
  // The demo is for a person at a terminal; production logs are JSON lines.
  const bool text = logging.format == "text" || (demo && logging.format == "json");
  log::Init(level, text ? log::Format::kText : log::Format::kJson);
}

// --role api records no callback but still reads each one, so a malformed body is answered
// 400 as in a process that delivers (carriers/http/callback_sink.h).
carriers::CallbackSink& UnrecordedCallbacks() {
  static carriers::http::HttpCallbackSink sink;
  return sink;
}

// Every connection is a descriptor: take the hard limit the system allows, and say when
// even that cannot hold max_connections beside the store's and carriers' own.
// `webhook_sockets`: the producers' webhook POSTs under way and the connections kept for them.
void RaiseDescriptorLimit(size_t max_connections, size_t webhook_sockets) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  const size_t reserve = 256 + webhook_sockets;  // store, log, carriers, webhooks
  if (limit.rlim_cur != RLIM_INFINITY && max_connections + reserve > limit.rlim_cur) {
    log::Warn("server",
              "[server] max_connections = {} but only {} file descriptors are allowed: past about {} "
              "connections, accepting pauses (raise the limit, e.g. LimitNOFILE in the service unit)",
              max_connections, limit.rlim_cur, limit.rlim_cur > reserve ? limit.rlim_cur - reserve : 0);
  }
}

// The demo's key and a request to paste, printed on standard output.
Status PrintDemoKey(store::KeyStore& store, Clock& clock, const std::string& base_url) {
  const auth::GeneratedKey key = auth::GenerateKey();
  const int64_t now = clock.NowUnixMillis();
  const uint32_t scopes = auth::kScopeSend | auth::kScopeRead | auth::kScopeSuppressionsWrite;
  Status s = store.CreateApiKey(
      store::ApiKeyRecord{key.key_id, "demo", key.hash, scopes, now, std::nullopt, std::nullopt},
      store::AuditEntry{0, now, "demo", "demo", "local", "key.create", key.key_id, key.key_id});
  if (!s.ok()) return s;
  std::cout << fmt::format(
                   "\nDeliverer demo is running on {0}\n"
                   "API key for account 'demo' (shown once): {1}\n\n"
                   "Send a message:\n"
                   "  curl -s {0}/v1/messages -H 'Authorization: Bearer {1}' "
                   "-H 'Content-Type: application/json' "
                   "-d '{{\"from\":\"Deliverer\",\"to\":\"+442071838750\",\"body\":\"Hello from "
                   "Deliverer\"}}'\n\n"
                   "Then read it back with GET {0}/v1/messages/<message_id> (same header).\n\n",
                   base_url, key.key)
            << std::flush;
  return Status::Ok();
}

// SIGHUP: re-read the configuration; routes and circuit breaker settings take effect
// without dropping traffic. A bad file changes nothing.
// `api_routes`: --role api's own routes, for estimates only; null otherwise.
void ReloadRoutes(const std::string& path, DeliveryRuntime* delivery,
                  routing::RouterHolder* api_routes, store::AuditLog& store, Clock& clock) {
  auto loaded = LoadConfig(path);
  Status s = loaded.ok() ? (delivery != nullptr ? delivery->Reload(*loaded) : Status::Ok())
                         : Status(loaded.error());
  if (s.ok() && api_routes != nullptr) s = api_routes->Reload(*loaded);
  if (!s.ok()) {
    log::Error("server", "configuration not reloaded: {}", s.error().detail);
    return;
  }
  const int64_t now = clock.NowUnixMillis();
  store.AppendAudit(store::AuditEntry{0, now, "", "", "local", "config.reload", path, ""}, [](Status) {});
}

// Stops accepting, lets requests in flight finish (bounded), then stops the I/O loop.
// Lives on Serve's stack, which outlasts the loop it polls on.
class Drainer {
 public:
  Drainer(asio::io_context& io, api::HttpServer& http) : io_(io), http_(http), timer_(io) {}

  void Start() {
    http_.Stop();
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    Poll();
  }

 private:
  void Poll() {
    if (http_.InFlight() == 0 || std::chrono::steady_clock::now() >= deadline_) {
      io_.stop();
      return;
    }
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([this](const boost::system::error_code&) { Poll(); });
  }

  asio::io_context& io_;
  api::HttpServer& http_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
};

// What serve needs before it opens anything, each checked: a usage error otherwise.
struct Startup {
  config::Config config;
  std::unique_ptr<asio::ssl::context> tls;  // null: plain HTTP
};

Result<Startup> Prepare(const ServeOptions& options) {
  if (options.role != "all" && options.role != "api" && options.role != "worker") {
    return Error::Of("invalid_config", "--role must be all, api or worker");
  }
  auto loaded = LoadConfig(options.config_path);
  if (!loaded.ok()) return loaded.take_error();
  Startup startup{std::move(*loaded), nullptr};
  const config::Config& config = startup.config;
  if (!config.server.tls_cert_file.empty()) {
    auto made = api::MakeServerTlsContext(
        {config.server.tls_cert_file, config.server.tls_key_file, config.server.client_ca_file});
    if (!made.ok()) return made.take_error();
    startup.tls = std::move(*made);
  }
  if (config.queue.backend == "rabbitmq") {
    if (auto endpoint = rabbitmq::ParseUrl(config.queue.url); !endpoint.ok()) return endpoint.take_error();
  }
  if (!config.redis.url.empty()) {
    if (auto endpoint = redis::ParseUrl(config.redis.url); !endpoint.ok()) return endpoint.take_error();
  }
  if (!options.demo && options.role != "api" && config.carriers.empty()) {
    return Error::Of("invalid_config",
                     "no carrier is configured: add a [[carriers]] section to the configuration,"
                     " or try `deliverer serve --demo`");
  }
  return startup;
}

// [redis] url set: the limits of [rate_limits], kept in Redis for every process
// (docs/deployment.md "Rate limits across processes"). Prepare checked the URL.
std::unique_ptr<redis::SharedRateLimiter> MakeSharedLimits(const config::Config& config,
                                                           metrics::Registry& registry, Clock& clock) {
  if (config.redis.url.empty()) return nullptr;
  auto endpoint = redis::ParseUrl(config.redis.url);
  if (!endpoint.ok()) return nullptr;
  redis::SharedLimitsOptions options;
  options.limits = api::ApiOptions::From(config).rate_limits;
  options.endpoint = std::move(*endpoint);
  options.timeout = std::chrono::milliseconds(config.redis.timeout_ms);
  options.key_prefix = config.redis.key_prefix;
  return std::make_unique<redis::SharedRateLimiter>(std::move(options), clock, registry);
}

// The parts every role has, built in order; Run serves until a signal.
class Process {
 public:
  Process(const ServeOptions& options, const config::Config& config, store::Backend& store,
          const validation::Validator& validator, metrics::Registry& registry, Clock& clock,
          DeliveryRuntime* delivery, asio::ssl::context* tls)
      : options_(options),
        config_(config),
        store_(store),
        registry_(registry),
        clock_(clock),
        delivery_(delivery),
        credentials_(io_, store, config.carriers, registry, clock),
        shared_limits_(MakeSharedLimits(config, registry, clock)),
        sampler_(registry, clock),
        api_(api::ApiStores{store, store, store, store, store, store, store}, validator, registry, clock,
             MakeApiOptions()),
        http_(io_, api_, registry, api::HttpLimits::From(config.server), tls),
        data_keys_(store, registry, DataKeyJob::Options{.reencrypt = options.role != "api"}),
        retention_(store, config.security, registry, clock),
        drainer_(io_, http_) {}

  int Run() {
    auto endpoint = http_.Listen(config_.server.listen_host, config_.server.listen_port);
    if (!endpoint.ok()) {
      log::Error("server", "{}", endpoint.error().detail);
      return kExitFailure;
    }
    if (delivery_ != nullptr) {
      if (Status s = delivery_->Start(); !s.ok()) {
        log::Error("server", "cannot start delivery: {}", s.error().detail);
        return kExitFailure;
      }
    }
    const std::string base_url = fmt::format("{}://{}:{}", config_.server.tls_cert_file.empty() ? "http" : "https",
                                             endpoint->address().to_string(), endpoint->port());
    if (options_.demo) {
      if (Status s = PrintDemoKey(store_, clock_, base_url); !s.ok()) {
        log::Error("server", "cannot create the demo key: {}", s.error().detail);
        return kExitFailure;
      }
    }
    if (Status s = StartSmppServer(); !s.ok()) {
      log::Error("server", "{}", s.error().detail);
      return kExitFailure;
    }
    if (config_.server.threads > 1) {
      log::Warn("server", "[server] threads = {} is not honoured yet: serving on one I/O thread",
                config_.server.threads);
    }
    data_keys_.Start();
    http_.Start();
    log::Info("server", "listening on {}", base_url);
    systemd_.Ready("listening on " + base_url);
    credentials_.Start();
    retention_.Start();
    sampler_.Start();
    WaitForSignals();
    // One HTTP I/O thread: connections share the io_context's executor without strands
    // (docs/architecture.md); the store's writer and the delivery engine have threads of
    // their own.
    RunGuarded(io_, "http");
    data_keys_.Stop();
    smpp_.reset();
    // HTTP is closed: no new messages. Now drain the carriers and unbind.
    retention_.Stop();
    sampler_.Stop();
    if (delivery_ != nullptr) delivery_->Stop();
    log::Info("server", "stopped");
    return kExitOk;
  }

 private:
  api::ApiOptions MakeApiOptions() {
    api::ApiOptions o = api::ApiOptions::From(config_);
    // One thread: the I/O thread, the writer and (when delivering) the engine and
    // webhooks already make more busy threads than a small machine has cores.
    asio::post(validation_pool_, [] { NameThisThread("validation"); });
    o.validation_pool = &validation_pool_;
    o.rate_limiter = shared_limits_.get();
    o.credentials = &credentials_;
    o.dashboard = &sampler_;
    o.queue = delivery_ != nullptr ? &delivery_->queue() : nullptr;
    // With RabbitMQ what this process accepts goes through the store's hand-over, as an
    // API process's does, so that one destination's messages keep their order whichever
    // process took them.
    o.publish_accepted = config_.queue.backend != "rabbitmq";
    o.claims = delivery_ != nullptr ? &delivery_->claims() : nullptr;
    o.delivered_elsewhere = delivery_ == nullptr && config_.storage.backend == "postgres";
    o.delivery = delivery_;
    o.callback_sink = delivery_ != nullptr ? &delivery_->callbacks() : &UnrecordedCallbacks();
    o.routes = delivery_ != nullptr ? &delivery_->router() : ApiOnlyRoutes();
    o.canary_halts = delivery_ != nullptr ? &delivery_->canary_halts() : nullptr;
    return o;
  }

  // [smpp_server] with a listen address: producers bind over SMPP on this I/O thread, through
  // the API's acceptance pipeline and rate limits (docs/smpp-server.md).
  Status StartSmppServer() {
    const config::SmppServerConfig& c = config_.smpp_server;
    if (!c.enabled) return Status::Ok();
    if (!c.tls_cert_file.empty()) {
      auto context = tls::MakeServerContext(c.tls_cert_file, c.tls_key_file);
      if (!context.ok()) return Error::Of("invalid_config", "[smpp_server] TLS: " + context.error().detail);
      smpp_tls_ = std::move(*context);
    }
    smppd::net::ServerDeps deps{api_.acceptor(), api_.rate_limiter(), api_.auth_failures(), store_, store_, store_,
                                store_, store_, registry_, clock_, &validation_pool_};
    smpp_ = std::make_unique<smppd::net::Server>(io_, smppd::net::ServerOptions::From(c), deps, smpp_tls_.get());
    auto endpoint = smpp_->Listen();
    if (!endpoint.ok()) return endpoint.error();
    if (Status s = smpp_->Start(); !s.ok()) return Error::Of("storage_error", "[smpp_server]: " + s.error().detail);
    log::Info("server", "SMPP server for producers listening on {}:{}{}", endpoint->address().to_string(),
              endpoint->port(), smpp_tls_ ? " (TLS)" : "");
    return Status::Ok();
  }

  // --role api routes nothing, but estimates the cost of what it accepts with the same
  // routes as the delivering processes. Null (no estimates) when they do not build.
  routing::RouterHolder* ApiOnlyRoutes() {
    auto router = routing::Router::Create(config_);
    if (!router.ok()) {
      log::Warn("server", "no cost estimates: {}", router.error().detail);
      return nullptr;
    }
    api_routes_ = std::make_unique<routing::RouterHolder>(
        std::make_shared<const routing::Router>(std::move(*router)));
    return api_routes_.get();
  }

  // SIGINT and SIGTERM drain; SIGHUP reloads the routes, as often as it comes.
  void WaitForSignals() {
    stop_signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      log::Info("server", "signal {} received: draining", signal);
      systemd_.Stopping();
      if (smpp_) smpp_->Stop();
      drainer_.Start();
    });
    WaitForReload();
  }

  void WaitForReload() {
    reload_signal_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      ReloadRoutes(options_.config_path, delivery_, api_routes_.get(), store_, clock_);
      WaitForReload();
    });
  }

  const ServeOptions& options_;
  const config::Config& config_;
  store::Backend& store_;
  metrics::Registry& registry_;
  Clock& clock_;
  DeliveryRuntime* delivery_;  // null for --role api
  asio::io_context io_;
  asio::thread_pool validation_pool_{1};
  CredentialWatch credentials_;
  // [redis] url set: [rate_limits] shared by every process; null otherwise.
  std::unique_ptr<redis::SharedRateLimiter> shared_limits_;
  std::unique_ptr<routing::RouterHolder> api_routes_;  // --role api only; set while api_ is built
  dashboard::Sampler sampler_;  // the dashboard's series, read once a second from the registry
  api::Api api_;
  api::HttpServer http_;
  DataKeyJob data_keys_;  // every role reloads the key ring; the delivering ones move old bodies
  RetentionJob retention_;
  Drainer drainer_;
  std::unique_ptr<asio::ssl::context> smpp_tls_;
  std::unique_ptr<smppd::net::Server> smpp_;  // [smpp_server] listen set
  SystemdNotifier systemd_{io_};
  asio::signal_set stop_signals_{io_, SIGINT, SIGTERM};
  asio::signal_set reload_signal_{io_, SIGHUP};
};

// [errors] sentry_dsn set: unexpected internal errors and crashes go to Sentry
// (docs/operations.md "Error reporting"); null otherwise. Crash records are written to,
// and the previous run's read from, the data folder.
std::unique_ptr<errors::Reporter> StartErrorReporting(const config::Config& config, metrics::Registry& registry,
                                                      Clock& clock) {
  if (config.errors.sentry_dsn.empty()) return nullptr;
  auto dsn = errors::ParseDsn(config.errors.sentry_dsn);
  if (!dsn.ok()) return nullptr;  // config loading refused it already
  errors::Reporter::Options options{.dsn = std::move(*dsn)};
  options.environment = config.errors.environment;
  options.crash_directory = config.storage.path;
  auto reporter = std::make_unique<errors::Reporter>(std::move(options), registry, clock);
  reporter->Start();
  errors::InstallCrashHandler(config.storage.path, errors::Release(), clock.NowUnixMillis());
  return reporter;
}

void CountUnhandledIn(metrics::Registry& registry) {
  SetUnhandledCounter([&registry](std::string_view component) {
    registry.Counter("deliverer_unhandled_exceptions_total",
                     "Exceptions caught at a connection, exchange or thread boundary",
                     {{"component", std::string(component)}}).Inc();
  });
}

}  // namespace

int Serve(const ServeOptions& options) {
  auto startup = Prepare(options);
  if (!startup.ok()) {
    std::cerr << startup.error().detail << "\n";
    return kExitUsage;
  }
  const config::Config& config = startup->config;
  InitLogging(config.logging, options.demo);
  // A file-size limit reached (ulimit -f) must fail the write, which the store answers
  // with 503 and /readyz reports, not kill the process with every request in flight.
  std::signal(SIGXFSZ, SIG_IGN);

  SystemClock clock;
  // Before the store, so that a damaged database is reported too; it outlives every
  // thread that may report.
  metrics::Registry registry;
  DeclareMetrics(registry);
  CountUnhandledIn(registry);
  const std::unique_ptr<errors::Reporter> reporter = StartErrorReporting(config, registry, clock);
  // Another process delivers now: drain as on SIGTERM, and exit 1 (nothing was wrong with
  // this process, but it stopped doing what it was started for).
  static std::atomic<bool> delivery_lock_lost{false};
  auto store = OpenStore(config, clock, options.role == "api" ? StoreUser::kAccepting : StoreUser::kDelivering, [] {
    delivery_lock_lost = true;
    ::kill(::getpid(), SIGTERM);
  });
  if (!store.ok()) {
    std::cerr << store.error().detail << "\n";
    return store.error().code == "invalid_config" ? kExitUsage : kExitFailure;
  }
  auto validator = validation::Validator::Create(
      {config.content.disallowed, config.security.allow_private_callbacks});
  if (!validator.ok()) {
    std::cerr << validator.error().detail << "\n";
    return kExitUsage;
  }
  RaiseDescriptorLimit(static_cast<size_t>(config.server.max_connections),
                       static_cast<size_t>(config.webhooks.max_in_flight) + webhooks::Poster::kIdleTotal);
  std::unique_ptr<DeliveryRuntime> delivery;
  if (options.role != "api") {
    auto created = DeliveryRuntime::Create(config, options.demo, **store, registry, clock);
    if (!created.ok()) {
      std::cerr << created.error().detail << "\n";
      return created.error().code == "invalid_config" ? kExitUsage : kExitFailure;
    }
    delivery = std::move(*created);
  }
  Process process(options, config, **store, **validator, registry, clock, delivery.get(), startup->tls.get());
  const int code = process.Run();
  return delivery_lock_lost ? kExitFailure : code;
}

}  // namespace deliverer::server
