#include "loadgen/webhook_receiver.h"
#include "httpio/read.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace deliverer::loadgen {

namespace {
// Bytes of a header (or trailer) the gateway or a webhook may send us at most.
constexpr size_t kMaxHookHeaderBytes = 32 * 1024;
}  // namespace

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr uint64_t kMaxBodyBytes = 64 * 1024;  // a webhook payload is a few hundred bytes

}  // namespace

WebhookReceiver::WebhookReceiver(asio::io_context& io, Handler handler)
    : io_(io), handler_(std::move(handler)), acceptor_(io) {}

Result<tcp::endpoint> WebhookReceiver::Listen(const Target& at) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(at.host, ec);
  if (ec) return Error::Of("invalid_value", "--webhook-listen takes an IP address, got " + at.host);
  const tcp::endpoint endpoint(address, at.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error::Of("listen_failed", "webhook receiver: cannot listen on " + at.host + ":" +
                                          std::to_string(at.port) + ": " + ec.message());
  return acceptor_.local_endpoint();
}

void WebhookReceiver::Start() { asio::co_spawn(io_, AcceptLoop(), asio::detached); }

void WebhookReceiver::Close() {
  closed_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  for (beast::tcp_stream* stream : open_) stream->socket().close(ec);
}

awaitable<void> WebhookReceiver::AcceptLoop() {
  while (!closed_) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(io_.get_executor(),
                                                         asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (closed_ || ec == asio::error::operation_aborted) break;
      continue;  // e.g. out of descriptors for a moment: the gateway retries its webhook
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io_, Serve(std::move(socket)), asio::detached);
  }
}

awaitable<void> WebhookReceiver::Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  open_.insert(&stream);
  beast::flat_buffer buffer;
  beast::error_code ec;
  while (!closed_) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    stream.expires_after(kIdleTimeout);
    if (!(co_await httpio::ReadMessage(stream, buffer, parser, kMaxHookHeaderBytes)).ok() || closed_) break;
    const auto& request = parser.get();
    const auto signature = request["Deliverer-Signature"];
    handler_(request.body(), std::string_view(signature.data(), signature.size()));
    http::response<http::empty_body> response{http::status::no_content, request.version()};
    response.keep_alive(request.keep_alive());
    co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  open_.erase(&stream);
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace deliverer::loadgen
