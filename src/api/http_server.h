#pragma once
// The HTTP listener: accepts connections (plain or HTTPS) and runs an HttpSession on each
// (http_session.h has the per-request rules). One coroutine per connection on the
// io_context's executor; run the io_context on one thread (server.threads = 1) until
// connections get strands of their own.
//
// Bounds (docs/security.md "Resource limits"): at most `max_connections` connections are
// open; beyond that a new one is answered 503 `overloaded` and closed at once. When the
// process runs out of file descriptors (EMFILE, ENFILE), accepting pauses for
// kAcceptPause and the condition is logged at most once per kLogEvery; the waiting
// clients stay in the kernel's backlog. Metrics: deliverer_http_connections (open now),
// deliverer_http_connections_refused_total{reason="max_connections"|"descriptors"}.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <string>

#include "api/api.h"
#include "api/http_session.h"
#include "metrics/metrics.h"

namespace deliverer::api {

class HttpServer {
 public:
  // `tls`, when not null, must outlive the server: every connection is then HTTPS.
  HttpServer(boost::asio::io_context& io, Api& api, metrics::Registry& metrics, HttpLimits limits,
             boost::asio::ssl::context* tls = nullptr);

  // Binds and listens; returns the bound endpoint (port 0 picks a free one).
  Result<boost::asio::ip::tcp::endpoint> Listen(const std::string& host, uint16_t port);
  // Starts accepting on the io_context.
  void Start();
  // Stops accepting; connections finish their current request and close.
  void Stop();
  // Requests being handled now (for draining at shutdown).
  int InFlight() const { return in_flight_.load(); }

  static constexpr std::chrono::milliseconds kAcceptPause{250};
  static constexpr std::chrono::seconds kLogEvery{10};

 private:
  boost::asio::awaitable<void> AcceptLoop();
  // After a failed accept: pauses unless a client's reset caused it; logs at most once per
  // kLogEvery.
  boost::asio::awaitable<void> AfterAcceptError(const boost::system::error_code& ec);
  // Over max_connections: a canned 503 written without waiting, then close.
  void Refuse(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> ServePlain(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> ServeTls(boost::asio::ip::tcp::socket socket);
  // Counts the connection open for as long as the returned guard lives.
  struct OpenConnection;

  boost::asio::io_context& io_;
  Api& api_;
  const HttpLimits limits_;
  boost::asio::ssl::context* const tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer pause_;
  metrics::Gauge& open_gauge_;
  metrics::Counter& refused_full_;
  metrics::Counter& refused_descriptors_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  size_t open_ = 0;  // io_ thread only
  std::chrono::steady_clock::time_point last_accept_log_{};
};

}  // namespace deliverer::api
