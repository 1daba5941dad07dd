#include "api/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "api/tls_server.h"
#include "common/log.h"

namespace deliverer::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// After an early answer (413, 431) the client may still be sending: read and discard for
// a moment before closing, so the close does not reset the connection under the answer.
template <class Stream>
awaitable<void> LingeringClose(Stream& stream) {
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  beast::error_code ec;
  tcp.socket().shutdown(tcp::socket::shutdown_send, ec);
  tcp.expires_after(std::chrono::seconds(2));
  std::array<char, 16 * 1024> sink;
  size_t drained = 0;
  while (drained < 64 * 1024 * 1024) {
    const size_t n = co_await stream.async_read_some(asio::buffer(sink),
                                                     asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    drained += n;
  }
  tcp.socket().close(ec);
}

Response TransportProblem(std::string_view code, std::string detail) {
  Response res = ProblemResponse(Error::Of(std::string(code), std::move(detail)));
  res.keep_alive(false);
  return res;
}

bool IsBatchTarget(std::string_view target) {
  return target.substr(0, target.find('?')) == "/v1/messages/batch";
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, Api& api, HttpLimits limits, asio::ssl::context* tls)
    : io_(io), api_(api), limits_(limits), tls_(tls), acceptor_(io) {}

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

void HttpServer::Start() { asio::co_spawn(io_, AcceptLoop(), asio::detached); }

void HttpServer::Stop() {
  stopping_ = true;
  asio::post(io_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

awaitable<void> HttpServer::AcceptLoop() {
  while (!stopping_) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(io_.get_executor(),
                                                         asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      log::Warn("http", "accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    if (tls_ != nullptr) {
      asio::co_spawn(executor, ServeTls(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(executor, ServePlain(std::move(socket)), asio::detached);
    }
  }
}

// An answer before the request was read whole (too large): the connection cannot be
// reused, so answer, drain what the client still sends, and close.
template <class Stream>
awaitable<void> HttpServer::RejectAndClose(Stream& stream, int status, std::string_view code,
                                           std::string detail) {
  api_.CountTransportError(status);
  beast::error_code ec;
  co_await http::async_write(stream, TransportProblem(code, std::move(detail)),
                             asio::redirect_error(use_awaitable, ec));
  co_await LingeringClose(stream);
}

template <class Stream>
awaitable<void> HttpServer::Serve(Stream& stream, Peer peer) {
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  beast::error_code ec;

  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    // The route's own limit is checked against Content-Length after the header.
    parser.body_limit(std::max(limits_.max_body_bytes, limits_.max_batch_body_bytes) + 1);
    tcp.expires_after(limits_.idle_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::header_limit) {
      co_await RejectAndClose(stream, 431, "headers_too_large", "request headers are too large");
      co_return;
    }
    if (ec == http::error::body_limit) {  // Content-Length over every route's limit
      co_await RejectAndClose(stream, 413, "payload_too_large", "the body is too large");
      co_return;
    }
    if (ec) break;  // closed, idle timeout, or garbage: nothing to answer

    const auto target = parser.get().target();
    const size_t limit = IsBatchTarget(std::string_view(target.data(), target.size()))
                             ? limits_.max_batch_body_bytes
                             : limits_.max_body_bytes;
    const auto declared = parser.content_length();
    if (declared && *declared > limit) ec = http::error::body_limit;
    if (!ec) {
      parser.body_limit(limit);
      tcp.expires_after(limits_.request_timeout);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    }
    if (ec == http::error::body_limit) {
      co_await RejectAndClose(stream, 413, "payload_too_large",
                              fmt::format("the body exceeds {} bytes", limit));
      co_return;
    }
    if (ec) break;

    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    ++in_flight_;
    Response response = co_await api_.Handle(std::move(request), peer);
    --in_flight_;
    response.keep_alive(keep_alive && !stopping_);
    tcp.expires_after(limits_.request_timeout);
    co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
}

awaitable<void> HttpServer::ServePlain(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  Peer peer;
  if (auto remote = stream.socket().remote_endpoint(ec); !ec) peer.ip = remote.address().to_string();
  co_await Serve(stream, std::move(peer));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

awaitable<void> HttpServer::ServeTls(tcp::socket socket) {
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
  peer.certificate = VerifiedClientCertificate(stream.native_handle());
  co_await Serve(stream, std::move(peer));
  // close_notify, bounded: a client that closed first must not hold the coroutine.
  stream.next_layer().expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
}

}  // namespace deliverer::api
