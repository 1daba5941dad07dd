// The reference ceiling for the ingest benchmark: the least an HTTP/1.1 server on the
// same stack (Boost.Beast, C++20 coroutines, one I/O thread, keep-alive) can do per
// request. It reads each request whole and answers 202 with a small JSON body, as
// `deliverer serve` does, but stores and validates nothing.
//
//   http-202-server PORT     (0 = a free port; prints "listening on http://127.0.0.1:P")
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

awaitable<void> Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  stream.socket().set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    beast::error_code ec;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    http::response<http::string_body> response{http::status::accepted, request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"id":"0192d5a0-0000-7000-8000-000000000000","status":"queued"})";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, ec));
    if (ec || !request.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<void> Accept(tcp::acceptor& acceptor) {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::printf("listening on http://127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, auto) { io.stop(); });
  asio::co_spawn(io, Accept(acceptor), asio::detached);
  io.run();
  return 0;
}
