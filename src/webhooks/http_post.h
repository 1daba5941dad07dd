#pragma once
// POSTs to producers' callback URLs (and the operators' webhook URL), over connections
// kept alive per origin (scheme, host, port): a gateway sends two events per message, and
// opening a connection for each cost more than signing and sending it.
//
// The SSRF guard (validation/ssrf.h) checks every address the host resolves to right
// before each connection is opened; a kept connection stays on the address checked then,
// so a name that later resolves elsewhere cannot redirect it. Redirects are never
// followed: a 3xx is a failed delivery. TLS peers are verified.
//
// Not thread-safe: one Poster per executor thread (the dispatcher's).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "httpc/connection.h"

namespace deliverer::webhooks {

struct PostOutcome {
  int status = 0;      // the HTTP status; 0 when none came
  std::string error;   // why, when status is 0 ("forbidden_address", a socket error, ...)
  bool ok() const { return status >= 200 && status < 300; }
};

struct PostRequest {
  std::string url;
  std::string body;
  std::string signature;  // Deliverer-Signature value
  std::string event_id;
};

class Poster {
 public:
  // `tls` is the client context (verify peer); it must outlive the Poster.
  Poster(boost::asio::ssl::context& tls, bool allow_private, std::chrono::seconds timeout);

  // Coroutine on the caller's executor.
  boost::asio::awaitable<PostOutcome> Post(const PostRequest& request);

  // Closes the kept connections idle for longer than kIdleClose at `now` (they would be
  // reopened rather than reused anyway) and forgets origins left with none, so a receiver
  // posted to once holds no socket and no entry for good. Cheap: call it every poll.
  void CloseIdle(std::chrono::steady_clock::time_point now);

  // Idle connections kept per origin (the dispatcher's concurrency) and in all at most;
  // beyond that a connection is closed after use. Kept ones are not watched: one the
  // receiver closed costs a failed write and a new connection when it is next taken.
  static constexpr size_t kIdlePerOrigin = 128;
  static constexpr size_t kIdleTotal = 512;
  // Shorter than common servers' keep-alive timeouts (5 s in Node.js), so a connection is
  // rarely reused just as the receiver closes it.
  static constexpr std::chrono::milliseconds kIdleClose{2'000};

 private:
  std::unique_ptr<httpc::Connection> Take(const std::string& origin, const validation::Url& url,
                                          const boost::asio::any_io_executor& executor);

  boost::asio::ssl::context& tls_;
  const bool allow_private_;
  const std::chrono::seconds timeout_;
  struct Kept {
    std::unique_ptr<httpc::Connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  // Per origin, oldest first; no origin with an empty list.
  std::map<std::string, std::vector<Kept>> idle_;
  size_t idle_total_ = 0;
};

}  // namespace deliverer::webhooks
