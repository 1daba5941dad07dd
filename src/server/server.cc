#include "server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

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
#include "server/components.h"
#include "server/credential_watch.h"
#include "server/data_key_job.h"
#include "server/retention_job.h"
#include "server/delivery_runtime.h"
#include "server/metrics_catalog.h"

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

api::HttpLimits LimitsOf(const config::ServerConfig& s) {
  return api::HttpLimits{s.max_body_bytes,
                         s.max_batch_body_bytes,
                         s.max_header_bytes,
                         std::chrono::seconds(s.idle_timeout_s),
                         std::chrono::seconds(s.request_timeout_s),
                         static_cast<size_t>(s.max_connections)};
}

// --role api records no callback but still reads each one, so a malformed body is answered
// 400 as in a process that delivers (carriers/http/callback_sink.h).
carriers::CallbackSink& UnrecordedCallbacks() {
  static carriers::http::HttpCallbackSink sink;
  return sink;
}

api::ApiOptions ApiOptionsOf(const config::Config& c, DeliveryRuntime* delivery) {
  api::ApiOptions o;
  o.rate_limits = {c.rate_limits.per_key_rps,        c.rate_limits.per_key_burst,
                   c.rate_limits.global_rps,         c.rate_limits.global_burst,
                   c.rate_limits.auth_failures_per_ip_rps, c.rate_limits.auth_failures_per_ip_burst};
  o.queue_high_water = c.delivery.queue_high_water;
  for (const auto& carrier : c.carriers) o.delivery_tps += carrier.tps;
  if (delivery != nullptr) {
    o.queue = &delivery->queue();
    o.delivery = delivery;
  }
  o.callback_sink = delivery != nullptr ? &delivery->callbacks() : &UnrecordedCallbacks();
  for (const auto& carrier : c.carriers) {
    o.carrier_callbacks.push_back(api::CallbackAuth{carrier.id, carrier.dlr_allow, carrier.dlr_token,
                                                    !c.server.client_ca_file.empty(), carrier.dlr_cert_name});
  }
  return o;
}

// Every connection is a descriptor: take the hard limit the system allows, and say when
// even that cannot hold max_connections beside the store's and carriers' own.
void RaiseDescriptorLimit(size_t max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  constexpr size_t kReserve = 256;  // store, log, carriers, webhooks
  if (limit.rlim_cur != RLIM_INFINITY && max_connections + kReserve > limit.rlim_cur) {
    log::Warn("server",
              "[server] max_connections = {} but only {} file descriptors are allowed: past about {} "
              "connections, accepting pauses (raise the limit, e.g. LimitNOFILE in the service unit)",
              max_connections, limit.rlim_cur, limit.rlim_cur > kReserve ? limit.rlim_cur - kReserve : 0);
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
void ReloadRoutes(const std::string& path, DeliveryRuntime* delivery, store::AuditLog& store, Clock& clock) {
  auto loaded = LoadConfig(path);
  Status s = loaded.ok() ? (delivery != nullptr ? delivery->Reload(*loaded) : Status::Ok())
                         : Status(loaded.error());
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

}  // namespace

int Serve(const ServeOptions& options) {
  auto loaded = LoadConfig(options.config_path);
  if (!loaded.ok()) {
    std::cerr << loaded.error().detail << "\n";
    return kExitUsage;
  }
  const config::Config config = std::move(*loaded);
  InitLogging(config.logging, options.demo);
  // A file-size limit reached (ulimit -f) must fail the write, which the store answers
  // with 503 and /readyz reports, not kill the process with every request in flight.
  std::signal(SIGXFSZ, SIG_IGN);
  if (options.role != "all" && options.role != "api" && options.role != "worker") {
    std::cerr << "--role must be all, api or worker\n";
    return kExitUsage;
  }
  std::unique_ptr<asio::ssl::context> tls;
  if (!config.server.tls_cert_file.empty()) {
    auto made = api::MakeServerTlsContext(
        {config.server.tls_cert_file, config.server.tls_key_file, config.server.client_ca_file});
    if (!made.ok()) {
      std::cerr << made.error().detail << "\n";
      return kExitUsage;
    }
    tls = std::move(*made);
  }
  // Refused, not ignored: serve would otherwise run on the embedded queue while the
  // operator believes its work is in RabbitMQ.
  if (config.queue.backend != "embedded") {
    std::cerr << "queue backend '" << config.queue.backend
              << "' is not available in this version; use backend = \"embedded\"\n";
    return kExitUsage;
  }
  if (!options.demo && options.role != "api" && config.carriers.empty()) {
    std::cerr << "no carrier is configured: add a [[carriers]] section to the configuration,"
                 " or try `deliverer serve --demo`\n";
    return kExitUsage;
  }

  SystemClock clock;
  auto store = OpenStore(config, clock);
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

  metrics::Registry registry;
  DeclareMetrics(registry);
  SetUnhandledCounter([&registry](std::string_view component) {
    registry.Counter("deliverer_unhandled_exceptions_total",
                     "Exceptions caught at a connection, exchange or thread boundary",
                     {{"component", std::string(component)}}).Inc();
  });
  RaiseDescriptorLimit(static_cast<size_t>(config.server.max_connections));
  std::unique_ptr<DeliveryRuntime> delivery;
  if (options.role != "api") {
    auto created = DeliveryRuntime::Create(config, options.demo, **store, registry, clock);
    if (!created.ok()) {
      std::cerr << created.error().detail << "\n";
      return created.error().code == "invalid_config" ? kExitUsage : kExitFailure;
    }
    delivery = std::move(*created);
  }
  asio::io_context io;
  CredentialWatch credentials(io, **store, config.carriers, registry, clock);
  // One thread: the I/O thread, the writer and (when delivering) the engine and webhooks
  // already make more busy threads than a small machine has cores.
  asio::thread_pool validation_pool(1);
  asio::post(validation_pool, [] { NameThisThread("validation"); });
  api::ApiOptions api_options = ApiOptionsOf(config, delivery.get());
  api_options.validation_pool = &validation_pool;
  api_options.credentials = &credentials;
  store::Backend& backend = **store;
  api::Api api(api::ApiStores{backend, backend, backend, backend, backend, backend}, **validator, registry,
               clock, std::move(api_options));
  api::HttpServer http(io, api, registry, LimitsOf(config.server), tls.get());
  auto endpoint = http.Listen(config.server.listen_host, config.server.listen_port);
  if (!endpoint.ok()) {
    log::Error("server", "{}", endpoint.error().detail);
    return kExitFailure;
  }
  if (delivery) {
    if (Status s = delivery->Start(); !s.ok()) {
      log::Error("server", "cannot start delivery: {}", s.error().detail);
      return kExitFailure;
    }
  }
  const std::string base_url = fmt::format("{}://{}:{}", tls ? "https" : "http",
                                           endpoint->address().to_string(), endpoint->port());
  if (options.demo) {
    if (Status s = PrintDemoKey(**store, clock, base_url); !s.ok()) {
      log::Error("server", "cannot create the demo key: {}", s.error().detail);
      return kExitFailure;
    }
  }
  if (config.server.threads > 1) {
    log::Warn("server", "[server] threads = {} is not honoured yet: serving on one I/O thread",
              config.server.threads);
  }
  // Every role reloads the key ring; the delivering roles also move old bodies.
  DataKeyJob data_keys(**store, registry,
                       DataKeyJob::Options{.reencrypt = options.role != "api"});
  data_keys.Start();
  http.Start();
  log::Info("server", "listening on {}", base_url);
  credentials.Start();
  RetentionJob retention(**store, config.security, registry, clock);
  retention.Start();

  Drainer drainer(io, http);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::Info("server", "signal {} received: draining", signal);
    drainer.Start();
  });
  asio::signal_set reload(io, SIGHUP);
  std::function<void()> wait_reload = [&] {
    reload.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      ReloadRoutes(options.config_path, delivery.get(), **store, clock);
      wait_reload();
    });
  };
  wait_reload();

  // One HTTP I/O thread: connections share the io_context's executor without strands
  // (docs/architecture.md); the store's writer and the delivery engine have threads of
  // their own.
  RunGuarded(io, "http");
  data_keys.Stop();
  // HTTP is closed: no new messages. Now drain the carriers and unbind.
  retention.Stop();
  if (delivery) delivery->Stop();
  log::Info("server", "stopped");
  return kExitOk;
}

}  // namespace deliverer::server
