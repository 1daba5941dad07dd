#pragma once
// The simulator's control API transport: HTTP/1.1 with keep-alive on Boost.Beast, one
// coroutine per connection on the io_context's one thread. Routing and the JSON live in
// the ControlHandler (docs/simulator.md lists the routes).
//
// Not thread-safe: the simulator's I/O thread. Close() closes the acceptor and every
// open connection, so the coroutines end.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/result.h"

namespace deliverer::sim {

struct ControlReply {
  unsigned status = 200;
  std::string body;  // JSON
};

class ControlHandler {
 public:
  virtual ~ControlHandler() = default;
  // `path` is the target without its query string.
  virtual ControlReply HandleControl(std::string_view method, std::string_view path,
                                     const std::string& body) = 0;
};

class ControlServer {
 public:
  static constexpr size_t kMaxBodyBytes = 1024 * 1024;

  ControlServer(boost::asio::io_context& io, ControlHandler& handler);

  Result<boost::asio::ip::tcp::endpoint> Listen(const std::string& host, uint16_t port);
  // Starts accepting; every coroutine it starts holds `owner` (which keeps the handler alive).
  void Start(std::shared_ptr<void> owner);
  void Close();

 private:
  boost::asio::awaitable<void> AcceptLoop(std::shared_ptr<void> owner);
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket,
                                     std::shared_ptr<void> owner);

  boost::asio::io_context& io_;
  ControlHandler& handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unordered_set<boost::beast::tcp_stream*> open_;
  bool closed_ = false;
};

}  // namespace deliverer::sim
