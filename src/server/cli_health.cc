// `deliverer health` (docs/operations.md "The container image"): one GET of a running
// gateway's /healthz, for the container's HEALTHCHECK, whose image has no curl.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <memory>

#include "common/unhandled.h"
#include "httpc/connection.h"
#include "httpc/tls_client.h"
#include "server/cli.h"
#include "server/server.h"
#include "validation/url.h"

namespace deliverer::server {
namespace {

namespace asio = boost::asio;

// An https probe is verified only against --ca-file: a probe of 127.0.0.1 would fail the
// host name check of any certificate made for the gateway's public name, and it sends
// nothing secret.
Result<std::unique_ptr<asio::ssl::context>> ProbeTls(const validation::Url& url, const HealthOptions& options) {
  if (!url.tls) return std::unique_ptr<asio::ssl::context>();
  return httpc::MakeClientTlsContext({.verify = !options.ca_file.empty(), .ca_file = options.ca_file});
}

httpc::Outcome Probe(const validation::Url& url, asio::ssl::context* tls, const HealthOptions& options) {
  asio::io_context io;
  httpc::ConnectionOptions connection_options;
  connection_options.url = url;
  connection_options.tls = tls;
  connection_options.tls_verify = !options.ca_file.empty();
  connection_options.timeout = Millis(int64_t{options.timeout_s} * 1000);
  httpc::Connection connection(io.get_executor(), std::move(connection_options));
  httpc::Outcome outcome;
  outcome.error = "no answer";
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { outcome = co_await connection.Exchange(httpc::MakeGet(url)); },
      LogUnhandled("health"));
  io.run();
  return outcome;
}

}  // namespace

int Health(const HealthOptions& options) {
  const std::optional<validation::Url> url = validation::ParseUrl(options.url);
  if (!url) {
    std::cerr << "--url must be an absolute http:// or https:// URL\n";
    return kExitUsage;
  }
  if (options.timeout_s < 1 || options.timeout_s > 300) {
    std::cerr << "--timeout-s must be between 1 and 300\n";
    return kExitUsage;
  }
  auto tls = ProbeTls(*url, options);
  if (!tls.ok()) {
    std::cerr << tls.error().detail << "\n";
    return kExitUsage;
  }
  httpc::Outcome outcome;
  try {
    outcome = Probe(*url, tls->get(), options);
  } catch (const std::exception& e) {  // the loop itself failed: unhealthy, not a crash
    outcome.error = e.what();
  }
  if (outcome.ok()) {
    std::cout << "healthy: " << outcome.status << " from " << options.url << "\n";
    return kExitOk;
  }
  std::cout << "unhealthy: "
            << (outcome.status != 0 ? "answered " + std::to_string(outcome.status) : outcome.error) << " from "
            << options.url << "\n";
  return kExitFailure;
}

}  // namespace deliverer::server
