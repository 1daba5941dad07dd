#pragma once
// One HTTP/1.1 client connection to one origin, kept alive between exchanges: the
// building block of the HTTP carrier connector's pool, the producer webhook sender and
// the simulator's receipt poster.
//
// Use: construct with the executor it runs on, then `co_await Exchange(request)` one at a
// time. The connection opens on the first exchange (resolve, connect, TLS handshake with
// SNI and host-name verification when the URL is https) and again after any failure or
// after it has been idle for `idle_close`. With `allow_private = false` every address the
// host resolves to is checked with validation::IsForbiddenAddress right before connecting
// (server-side request forgery defence: a name can resolve anywhere at any time).
//
// Outcome::written says whether any request bytes went out: when false the peer cannot
// have acted on the request, so it is safe to send it elsewhere.
//
// Not thread-safe: the executor's thread only. Close() cancels an exchange in progress.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/message.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "common/clock.h"
#include "validation/url.h"

namespace deliverer::httpc {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

struct ConnectionOptions {
  validation::Url url;
  boost::asio::ssl::context* tls = nullptr;  // required for https URLs (httpc/tls_client.h)
  bool tls_verify = true;                    // check the peer's certificate and host name
  bool allow_private = true;                 // false: the SSRF guard above
  Millis timeout{10'000};                    // connecting, and then each exchange
  Millis idle_close{30'000};                 // reopen rather than reuse after this long idle
  size_t body_limit = 64 * 1024;             // a longer response body is an error
};

struct Outcome {
  int status = 0;  // the HTTP status; 0 when no complete response came
  std::string body;
  bool written = false;  // request bytes were sent (the peer may have acted on them)
  std::string error;     // why status is 0: "forbidden_address", "connect: …", "timeout", …
  bool ok() const { return status >= 200 && status < 300; }
};

// A POST to `url` with Host, User-Agent, Content-Type and the body set, and HTTP Basic
// authentication when the URL carries credentials; keep-alive on.
Request MakePost(const validation::Url& url, std::string body, std::string_view content_type);
// A GET of `url` with the same headers, and no body.
Request MakeGet(const validation::Url& url);

class Connection {
 public:
  Connection(boost::asio::any_io_executor executor, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  boost::asio::awaitable<Outcome> Exchange(Request request);
  // Opens the connection unless it is open; "" on success, else why not.
  boost::asio::awaitable<std::string> Connect();
  void Close();
  bool open() const;

 private:
  struct Streams;
  boost::asio::awaitable<std::string> Open();

  boost::asio::any_io_executor executor_;
  ConnectionOptions options_;
  std::shared_ptr<Streams> streams_;
  std::chrono::steady_clock::time_point last_used_{};
};

}  // namespace deliverer::httpc
