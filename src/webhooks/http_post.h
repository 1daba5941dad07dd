#pragma once
// One HTTPS/HTTP POST to a producer's callback URL, with the SSRF guard applied to every
// address the host name resolves to, right before connecting (validation/ssrf.h).
// Redirects are never followed: a 3xx is a failed delivery. TLS peers are verified.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <string>

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

// Coroutine on the caller's executor. `tls` is the client context (verify peer).
boost::asio::awaitable<PostOutcome> Post(const PostRequest& request, boost::asio::ssl::context& tls,
                                         bool allow_private, std::chrono::seconds timeout);

}  // namespace deliverer::webhooks
