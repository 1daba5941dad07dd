#pragma once
// The bench's end of the gateway's webhooks (docs/api.md "Webhooks to producers"): an HTTP/1.1
// server on the bench's io_context that hands each POST's body and Deliverer-Signature
// header to a handler and answers 204 at once. Any path is accepted (the callback_url
// the bench sends is /hook). Keep-alive is honoured, though the gateway closes after
// each webhook.
//
// Not thread-safe: the io_context's one thread; the handler runs on it. Close() closes the
// listener and every open connection, so every coroutine ends.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <functional>
#include <string_view>
#include <unordered_set>

#include "common/result.h"
#include "loadgen/settings.h"

namespace deliverer::loadgen {

class WebhookReceiver {
 public:
  using Handler = std::function<void(std::string_view body, std::string_view signature)>;

  WebhookReceiver(boost::asio::io_context& io, Handler handler);

  // Binds and listens (port 0: a free one); returns the bound address.
  Result<boost::asio::ip::tcp::endpoint> Listen(const Target& at);
  void Start();
  void Close();

 private:
  boost::asio::awaitable<void> AcceptLoop();
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  Handler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unordered_set<boost::beast::tcp_stream*> open_;
  bool closed_ = false;
};

}  // namespace deliverer::loadgen
