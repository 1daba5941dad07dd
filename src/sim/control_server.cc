#include "sim/control_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "common/log.h"
#include "sim/listen.h"

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

http::response<http::string_body> ToResponse(const ControlReply& reply, unsigned version) {
  http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = reply.body;
  res.prepare_payload();
  return res;
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, ControlHandler& handler)
    : io_(io), handler_(handler), acceptor_(io) {}

Result<tcp::endpoint> ControlServer::Listen(const std::string& host, uint16_t port) {
  return sim::Listen(acceptor_, host, port);
}

void ControlServer::Start(std::shared_ptr<void> owner) {
  asio::co_spawn(io_, AcceptLoop(std::move(owner)), asio::detached);
}

void ControlServer::Close() {
  closed_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  for (beast::tcp_stream* stream : open_) stream->socket().close(ec);
}

awaitable<void> ControlServer::AcceptLoop(std::shared_ptr<void> owner) {
  while (!closed_) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(io_.get_executor(), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (closed_ || ec == asio::error::operation_aborted) break;
      log::Warn("sim", "control accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io_, Serve(std::move(socket), owner), asio::detached);
  }
}

awaitable<void> ControlServer::Serve(tcp::socket socket, std::shared_ptr<void> owner) {
  beast::tcp_stream stream(std::move(socket));
  open_.insert(&stream);
  beast::flat_buffer buffer;
  beast::error_code ec;
  while (!closed_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    stream.expires_after(kIdleTimeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec || closed_) break;
    const auto& request = parser.get();
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view method(request.method_string().data(), request.method_string().size());
    const ControlReply reply =
        handler_.HandleControl(method, target.substr(0, target.find('?')), request.body());
    auto response = ToResponse(reply, request.version());
    response.keep_alive(request.keep_alive());
    co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  open_.erase(&stream);
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  (void)owner;
}

}  // namespace deliverer::sim
