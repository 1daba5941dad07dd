#pragma once
// The simulator's HTTP endpoints (the control API and the HTTP carrier): HTTP/1.1 with
// keep-alive on Boost.Beast, one coroutine per connection on the io_context's one thread.
// Routing and the JSON live in the handler; the server only moves requests and replies.
//
// A connection serves its requests in order (HTTP/1.1 answers in order): it reads one,
// awaits the handler, waits out the reply's delay on the connection's own timer, writes
// the reply (or nothing), runs the reply's `after` hook, then reads the next.
//
// Not thread-safe: the simulator's I/O thread. Close() closes the acceptor and every open
// connection and cancels their timers, so the coroutines end.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

namespace deliverer::sim {

struct HttpRequest {
  std::string_view method;
  std::string_view path;  // the target without its query string
  const boost::beast::http::fields* headers = nullptr;
  std::string_view body;
  uint64_t connection = 0;  // this server's connections, numbered from 1

  // The header's value; "" when absent.
  std::string_view Header(boost::beast::http::field name) const;
};

struct HttpReply {
  unsigned status = 200;
  std::string body;                   // JSON
  std::chrono::milliseconds delay{0};  // before it is written
  bool answer = true;                  // false: write nothing and read on (a black hole)
  bool close = false;                  // close the connection after writing it
  // Runs once, after the reply is written, its write failed, or the connection was
  // dropped while it waited: what follows an answer (receipts) keys on this.
  std::function<void()> after;
};

// Produces the reply to one request. `request` and what it points to stay valid until
// the returned awaitable completes.
using HttpHandler = std::function<boost::asio::awaitable<HttpReply>(const HttpRequest& request)>;

class HttpServer {
 public:
  static constexpr size_t kMaxBodyBytes = 1024 * 1024;

  // `name` prefixes the server's log lines ("control", "http").
  HttpServer(boost::asio::io_context& io, std::string name, HttpHandler handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<boost::asio::ip::tcp::endpoint> Listen(const std::string& host, uint16_t port);
  // Starts accepting; every coroutine it starts holds `owner` (which keeps the handler alive).
  void Start(std::shared_ptr<void> owner);
  // Drops every open connection and keeps listening; the number dropped.
  size_t DropConnections();
  void Close();
  size_t connections() const { return open_.size(); }

 private:
  struct Connection;

  boost::asio::awaitable<void> AcceptLoop(std::shared_ptr<void> owner);
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket,
                                     std::shared_ptr<void> owner);
  // Waits out the delay and writes the reply; whether the connection stays open.
  boost::asio::awaitable<bool> Reply(Connection& connection, HttpReply& reply, unsigned version,
                                     bool keep_alive);

  boost::asio::io_context& io_;
  std::string name_;
  HttpHandler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unordered_map<uint64_t, Connection*> open_;
  uint64_t next_connection_ = 1;
  bool closed_ = false;
};

}  // namespace deliverer::sim
