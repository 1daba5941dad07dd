#include "sim/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "common/log.h"
#include "httpio/read.h"
#include "sim/listen.h"
#include "common/unhandled.h"

namespace deliverer::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr uint32_t kMaxHeaderBytes = 16 * 1024;

http::response<http::string_body> ToResponse(const HttpReply& reply, unsigned version) {
  http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = reply.body;
  res.prepare_payload();
  return res;
}

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

struct HttpServer::Connection {
  Connection(tcp::socket socket, uint64_t id)
      : stream(std::move(socket)), timer(stream.get_executor()), id(id) {}

  void Drop() {
    dropped = true;
    beast::error_code ignored;
    stream.socket().close(ignored);
    timer.cancel();
  }

  beast::tcp_stream stream;
  asio::steady_timer timer;  // a reply's delay
  uint64_t id;
  bool dropped = false;
};

std::string_view HttpRequest::Header(http::field name) const {
  if (headers == nullptr) return {};
  auto it = headers->find(name);
  return it == headers->end() ? std::string_view() : View(it->value());
}

HttpServer::HttpServer(asio::io_context& io, std::string name, HttpHandler handler)
    : io_(io), name_(std::move(name)), handler_(std::move(handler)), acceptor_(io) {}

Result<tcp::endpoint> HttpServer::Listen(const std::string& host, uint16_t port) {
  return sim::Listen(acceptor_, host, port);
}

void HttpServer::Start(std::shared_ptr<void> owner) {
  asio::co_spawn(io_, AcceptLoop(std::move(owner)), LogUnhandled("sim"));
}

size_t HttpServer::DropConnections() {
  size_t dropped = 0;
  for (auto& [id, connection] : open_) {
    if (connection->dropped) continue;
    connection->Drop();
    ++dropped;
  }
  return dropped;
}

void HttpServer::Close() {
  closed_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  DropConnections();
}

awaitable<void> HttpServer::AcceptLoop(std::shared_ptr<void> owner) {
  while (!closed_) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(io_.get_executor(), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (closed_ || ec == asio::error::operation_aborted) break;
      log::Warn("sim", "{} accept failed: {}", name_, ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io_, Serve(std::move(socket), owner), LogUnhandled("sim"));
  }
}

awaitable<void> HttpServer::Serve(tcp::socket socket, std::shared_ptr<void> owner) {
  Connection connection(std::move(socket), next_connection_++);
  open_[connection.id] = &connection;
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool open = true;
  while (open && !closed_ && !connection.dropped) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    connection.stream.expires_after(kIdleTimeout);
    const httpio::ReadOutcome read =
        co_await httpio::ReadMessage(connection.stream, buffer, parser, kMaxHeaderBytes);
    if (!read.ok() || closed_ || connection.dropped) break;
    // The handler and the delay may take longer than the idle timeout.
    connection.stream.expires_never();
    const auto& request = parser.get();
    const std::string_view target = View(request.target());
    const HttpRequest view{View(request.method_string()), target.substr(0, target.find('?')),
                           &request.base(), request.body(), connection.id};
    HttpReply reply = co_await handler_(view);
    open = co_await Reply(connection, reply, request.version(), request.keep_alive());
    if (reply.after) reply.after();
  }
  open_.erase(connection.id);
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  (void)owner;
}

awaitable<bool> HttpServer::Reply(Connection& connection, HttpReply& reply, unsigned version,
                                  bool keep_alive) {
  beast::error_code ec;
  if (reply.delay.count() > 0 && !connection.dropped) {
    connection.timer.expires_after(reply.delay);
    co_await connection.timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  if (closed_ || connection.dropped) co_return false;
  if (!reply.answer) co_return true;
  auto response = ToResponse(reply, version);
  response.keep_alive(keep_alive && !reply.close);
  connection.stream.expires_after(kIdleTimeout);
  co_await http::async_write(connection.stream, response, asio::redirect_error(use_awaitable, ec));
  co_return !ec && response.keep_alive();
}

}  // namespace deliverer::sim
