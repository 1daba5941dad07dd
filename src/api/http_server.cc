#include "api/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "api/tls_server.h"
#include "common/log.h"
#include "common/unhandled.h"

namespace deliverer::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// The answer to a connection over max_connections, written whole without waiting.
const std::string& OverloadedAnswer() {
  static const std::string answer = [] {
    const std::string body = ProblemBody(Error::Of("overloaded", "too many connections; retry later"));
    return fmt::format(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
        body.size(), body);
  }();
  return answer;
}

bool OutOfDescriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory;
}

}  // namespace

struct HttpServer::OpenConnection {
  explicit OpenConnection(HttpServer& server) : server_(server) {
    ++server_.open_;
    server_.open_gauge_.Add(1);
  }
  ~OpenConnection() {
    --server_.open_;
    server_.open_gauge_.Sub(1);
  }
  OpenConnection(const OpenConnection&) = delete;
  OpenConnection& operator=(const OpenConnection&) = delete;
  HttpServer& server_;
};

HttpServer::HttpServer(asio::io_context& io, Api& api, metrics::Registry& metrics, HttpLimits limits,
                       asio::ssl::context* tls)
    : io_(io),
      api_(api),
      limits_(limits),
      tls_(tls),
      acceptor_(io),
      pause_(io),
      open_gauge_(metrics.Gauge("deliverer_http_connections", "HTTP connections open")),
      refused_full_(metrics.Counter("deliverer_http_connections_refused_total",
                                    "HTTP connections refused or not accepted",
                                    {{"reason", "max_connections"}})),
      refused_descriptors_(metrics.Counter("deliverer_http_connections_refused_total",
                                           "HTTP connections refused or not accepted",
                                           {{"reason", "descriptors"}})) {}

Result<tcp::endpoint> HttpServer::Listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Error::Of("invalid_config", fmt::format("cannot listen on '{}': not an IP address", host));
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::Of("listen_failed",
                     fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  }
  return acceptor_.local_endpoint();
}

void HttpServer::Start() { asio::co_spawn(io_, AcceptLoop(), LogUnhandled("http")); }

void HttpServer::Stop() {
  stopping_ = true;
  asio::post(io_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    pause_.cancel();
  });
}

awaitable<void> HttpServer::AcceptLoop() {
  while (!stopping_) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(io_.get_executor(),
                                                         asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      co_await AfterAcceptError(ec);
      continue;
    }
    if (open_ >= limits_.max_connections) {
      Refuse(std::move(socket));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    if (tls_ != nullptr) {
      asio::co_spawn(executor, ServeTls(std::move(socket)), LogUnhandled("http"));
    } else {
      asio::co_spawn(executor, ServePlain(std::move(socket)), LogUnhandled("http"));
    }
  }
}

awaitable<void> HttpServer::AfterAcceptError(const boost::system::error_code& ec) {
  const bool descriptors = OutOfDescriptors(ec);
  if (descriptors) refused_descriptors_.Inc();
  const auto now = std::chrono::steady_clock::now();
  if (now - last_accept_log_ >= kLogEvery) {
    last_accept_log_ = now;
    log::Warn("http", "accept failed: {} ({} connections open){}", ec.message(), open_,
              descriptors ? "; accepting pauses until descriptors are free" : "");
  }
  // A client that reset before it was accepted concerns that connection only. Any other
  // error (out of descriptors above all) comes back at once: wait rather than spin.
  if (ec == asio::error::connection_aborted || ec == asio::error::connection_reset) co_return;
  pause_.expires_after(kAcceptPause);
  beast::error_code ignored;
  co_await pause_.async_wait(asio::redirect_error(use_awaitable, ignored));
}

void HttpServer::Refuse(tcp::socket socket) {
  refused_full_.Inc();
  api_.CountTransportError(503);
  beast::error_code ec;
  // A new connection's send buffer has room for this: one non-blocking write or none.
  if (tls_ == nullptr) {
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(asio::buffer(OverloadedAnswer()), ec);
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

awaitable<void> HttpServer::ServePlain(tcp::socket socket) {
  OpenConnection counted(*this);
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  Peer peer;
  if (auto remote = stream.socket().remote_endpoint(ec); !ec) peer.ip = remote.address().to_string();
  SessionTransport transport{
      [&stream] { stream.cancel(); },
      [&stream] {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      }};
  HttpSession<beast::tcp_stream> session(stream, std::move(peer), api_, limits_,
                                         SessionShared{stopping_, in_flight_}, std::move(transport),
                                         stream.get_executor());
  co_await session.Run();
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

awaitable<void> HttpServer::ServeTls(tcp::socket socket) {
  OpenConnection counted(*this);
  TlsStream stream(beast::tcp_stream(std::move(socket)), *tls_);
  beast::error_code ec;
  Peer peer;
  if (auto remote = stream.next_layer().socket().remote_endpoint(ec); !ec) {
    peer.ip = remote.address().to_string();
  }
  // A client that connects and says nothing holds a socket only until the request timeout.
  stream.next_layer().expires_after(limits_.request_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(use_awaitable, ec));
  if (ec) {
    log::Debug("http", "TLS handshake failed: {}", ec.message());
    co_return;
  }
  stream.next_layer().expires_never();  // the session's deadlines take over
  peer.certificate = VerifiedClientCertificate(stream.native_handle());
  SessionTransport transport{[&stream] { stream.next_layer().cancel(); }, nullptr};
  HttpSession<TlsStream> session(stream, std::move(peer), api_, limits_,
                                 SessionShared{stopping_, in_flight_}, std::move(transport),
                                 stream.get_executor());
  co_await session.Run();
  // close_notify, bounded: a client that closed first must not hold the coroutine.
  stream.next_layer().expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
}

}  // namespace deliverer::api
