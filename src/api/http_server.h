#pragma once
// HTTP/1.1 server on Boost.Beast with C++20 coroutines: keep-alive, request size and
// header limits, idle and slow-client timeouts, HTTPS when given a TLS context (see
// tls_server.h). One coroutine per connection on the io_context's executor; run the
// io_context on one thread (server.threads = 1) until connections get strands of their own.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <string>

#include "api/api.h"

namespace deliverer::api {

struct HttpLimits {
  size_t max_body_bytes = 64 * 1024;             // every route but the batch
  size_t max_batch_body_bytes = 8 * 1024 * 1024; // POST /v1/messages/batch
  size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds idle_timeout{60};         // between requests on a connection
  std::chrono::seconds request_timeout{30};      // for a whole request to arrive
};

class HttpServer {
 public:
  // `tls`, when not null, must outlive the server: every connection is then HTTPS.
  HttpServer(boost::asio::io_context& io, Api& api, HttpLimits limits,
             boost::asio::ssl::context* tls = nullptr);

  // Binds and listens; returns the bound endpoint (port 0 picks a free one).
  Result<boost::asio::ip::tcp::endpoint> Listen(const std::string& host, uint16_t port);
  // Starts accepting on the io_context.
  void Start();
  // Stops accepting; connections finish their current request and close.
  void Stop();
  // Requests being handled now (for draining at shutdown).
  int InFlight() const { return in_flight_.load(); }

 private:
  boost::asio::awaitable<void> AcceptLoop();
  boost::asio::awaitable<void> ServePlain(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> ServeTls(boost::asio::ip::tcp::socket socket);
  // Requests and answers on one connection, plain or TLS.
  template <class Stream>
  boost::asio::awaitable<void> Serve(Stream& stream, Peer peer);
  template <class Stream>
  boost::asio::awaitable<void> RejectAndClose(Stream& stream, int status, std::string_view code,
                                              std::string detail);

  boost::asio::io_context& io_;
  Api& api_;
  const HttpLimits limits_;
  boost::asio::ssl::context* const tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace deliverer::api
