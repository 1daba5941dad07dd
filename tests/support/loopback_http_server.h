#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for client tests: answers each request with
// `reply(request_count, body)` (or hangs up when it returns nullopt) and counts the
// connections it accepted; over TLS when given a server context. `on_request`, when set,
// sees each whole request (target, headers) before it is answered. Runs on the caller's
// io_context; single-threaded.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <functional>
#include <optional>
#include <string>

namespace deliverer::test_http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// Answers each request on a connection with `reply(request_count)`; counts connections.
class LoopbackServer {
 public:
  using Reply = std::function<std::optional<http::response<http::string_body>>(int n, const std::string& body)>;

  // `tls`, when given, must outlive the server; a client that fails the handshake is
  // dropped.
  LoopbackServer(asio::io_context& io, Reply reply, asio::ssl::context* tls = nullptr)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        reply_(std::move(reply)),
        tls_(tls) {
    asio::co_spawn(io, Accept(), asio::detached);
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections = 0;
  int requests = 0;
  // Closes the connection after each answer although it said keep-alive, as a receiver
  // whose idle timeout has just run out does.
  bool hang_up_after_reply = false;
  std::function<void(const http::request<http::string_body>&)> on_request;

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++connections;
      if (tls_ != nullptr) {
        asio::co_spawn(acceptor_.get_executor(), ServeTls(std::move(socket)), asio::detached);
      } else {
        asio::co_spawn(acceptor_.get_executor(), Serve(std::move(socket)), asio::detached);
      }
    }
  }
  asio::awaitable<void> ServeTls(tcp::socket socket) {
    beast::ssl_stream<tcp::socket> stream(std::move(socket), *tls_);
    beast::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_await Serve(stream);
  }
  asio::awaitable<void> Serve(tcp::socket socket) { co_await Serve<tcp::socket>(socket); }
  template <class Stream>
  asio::awaitable<void> Serve(Stream& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request<http::string_body> req;
      co_await http::async_read(socket, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      if (on_request) on_request(req);
      auto res = reply_(++requests, req.body());
      if (!res) co_return;  // hang up without answering
      res->prepare_payload();
      co_await http::async_write(socket, *res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res->keep_alive() || hang_up_after_reply) co_return;
    }
  }

  tcp::acceptor acceptor_;
  Reply reply_;
  asio::ssl::context* tls_;
};

inline http::response<http::string_body> Ok(std::string body) {
  http::response<http::string_body> res{http::status::ok, 11};
  res.body() = std::move(body);
  res.keep_alive(true);
  return res;
}

}  // namespace deliverer::test_http
