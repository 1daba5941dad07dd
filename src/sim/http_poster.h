#pragma once
// Posts JSON bodies from the simulator to one URL (the receipt URL or the inbound URL):
// a FIFO of posts served by up to N kept-alive httpc::Connections, and one-off posts on a
// connection of their own. Every post carries `X-Carrier-Token: <token>` when the token is
// set. The URL, the token and N may change at run time; queued posts then go to the new URL
// and connections to the old one close once their exchange ends.
//
// Not thread-safe: the simulator's I/O thread. Call Start() before posting. Close() cancels
// exchanges in flight, drops the queue and makes later posts no-ops; no `done` callback
// runs after it.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "httpc/connection.h"

namespace deliverer::sim {

class HttpPoster {
 public:
  using Done = std::function<void(const httpc::Outcome& outcome)>;
  // Connecting, then each exchange: a peer slower than this counts as a failed post.
  static constexpr Millis kTimeout{5000};

  explicit HttpPoster(boost::asio::io_context& io);
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // `url` empty or validation::ParseUrl-able (the config checks it); "" or unparsable: no URL.
  void Configure(const std::string& url, std::string token, size_t connections);
  // The coroutines it starts hold `owner` while they run (it keeps this poster alive).
  void Start(std::weak_ptr<void> owner);

  // Queues a post; `done` runs with its outcome, on the I/O thread, never inside Post.
  // False (and `done` never runs) when no URL is configured or the poster is closed.
  bool Post(std::string body, Done done);
  // Posts now on a connection of its own, past the queue; error "no_url" without a URL.
  boost::asio::awaitable<httpc::Outcome> PostNow(std::string body);

  void Close();
  bool has_url() const { return url_.has_value(); }
  size_t queued() const { return queue_.size(); }

 private:
  struct Job {
    std::string body;
    Done done;
  };
  struct Slot {
    std::unique_ptr<httpc::Connection> connection;
    bool busy = false;
    bool retired = false;  // the URL or the pool size changed: finish the exchange, then go
  };

  void Wake();
  void Retire();
  boost::asio::awaitable<void> Work(std::shared_ptr<Slot> slot, std::shared_ptr<void> owner);
  httpc::Request MakeRequest(std::string body) const;
  httpc::ConnectionOptions Options();

  boost::asio::io_context& io_;
  boost::asio::ssl::context tls_;
  std::optional<validation::Url> url_;
  std::string token_;
  size_t connections_ = 1;
  std::vector<std::shared_ptr<Slot>> slots_;
  std::deque<Job> queue_;
  std::unordered_set<httpc::Connection*> one_offs_;
  std::weak_ptr<void> owner_;
  bool closed_ = false;
};

}  // namespace deliverer::sim
