#pragma once
// One connection's requests and answers: HTTP/1.1 with keep-alive and pipelining
// (answered in order), over any Beast stream: plain TCP and TLS from HttpServer, an
// in-memory stream in the fuzz target. The listener's rules (docs/security.md
// "Resource limits"):
//   - a connection waits at most `idle_timeout` for a request's first byte; from then,
//     the whole request must arrive within `request_timeout`, else 408 and close;
//   - the header block, each chunk-size line and a chunked body's trailer are at most
//     `max_header_bytes`, else 431; a body over the route's limit is 413;
//   - framing that RFC 9112 forbids or that two readers could take differently
//     (a Transfer-Encoding other than chunked, Content-Length beside Transfer-Encoding,
//     a bad chunk, a malformed line) is 400;
//   - `Expect: 100-continue` is answered before the body is read;
//   - nothing the parser or a handler throws leaves the connection: the parser's throw
//     is a 400, a handler's a 500.
// Every early answer (400, 408, 413, 431, 500) closes the connection after a short,
// bounded drain, so the close does not reset the connection under the answer.
//
// Not thread-safe: one coroutine on the stream's executor runs the whole session.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>

#include "api/api.h"
#include "api/http_types.h"
#include "common/unhandled.h"
#include "httpio/deadline.h"
#include "httpio/read.h"

namespace deliverer::api {

struct HttpLimits {
  size_t max_body_bytes = 64 * 1024;              // every route but the batch
  size_t max_batch_body_bytes = 8 * 1024 * 1024;  // POST /v1/messages/batch
  size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds idle_timeout{60};     // for the first byte of the next request
  std::chrono::seconds request_timeout{30};  // for a whole request to arrive
  size_t max_connections = 10'000;           // open at once; HttpServer refuses beyond

  static HttpLimits From(const config::ServerConfig& server);  // [server]
};

// What a session needs of its transport besides the stream itself.
struct SessionTransport {
  std::function<void()> cancel;         // aborts the stream's pending read or write
  std::function<void()> shutdown_send;  // half-closes after an early answer; may be empty
};

// Shared by the sessions of one listener.
struct SessionShared {
  const std::atomic<bool>& stopping;  // finish the current request, then close
  std::atomic<int>& in_flight;        // requests being handled now
};

// The per-request decisions that need no stream (http_session.cc).
namespace session {
// The body limit of the route `target` names.
size_t BodyLimitFor(std::string_view target, const HttpLimits& limits);
// 400 for a request whose framing RFC 9112 refuses once its header is read: a
// Transfer-Encoding whose last coding is not chunked. (Beast itself refuses
// Content-Length beside Transfer-Encoding, and repeated or bad lengths.)
std::optional<Error> CheckFraming(const http::request_parser<http::string_body>& parser);
bool ExpectsContinue(const Request& header);
// The answer to a request that could not be read whole; nullopt = close silently (the
// client left).
std::optional<Error> ErrorOfRead(const httpio::ReadOutcome& read, bool timed_out, size_t body_limit);
// A problem answer that closes the connection.
Response ClosingProblem(const Error& error);
Response InternalError();
}  // namespace session

template <class Stream>
class HttpSession {
 public:
  HttpSession(Stream& stream, Peer peer, Api& api, const HttpLimits& limits, SessionShared shared,
              SessionTransport transport, boost::asio::any_io_executor executor)
      : stream_(stream),
        peer_(std::move(peer)),
        api_(api),
        limits_(limits),
        shared_(shared),
        transport_(std::move(transport)),
        deadline_(std::move(executor), transport_.cancel) {}

  boost::asio::awaitable<void> Run() {
    while (!shared_.stopping.load()) {
      if (!co_await WaitForRequest()) co_return;
      std::optional<Request> request = co_await ReadRequest();
      if (!request) co_return;
      if (!co_await Answer(std::move(*request))) co_return;
    }
  }

 private:
  using error_code = boost::system::error_code;

  // The first byte of the next request, unless one is buffered already (pipelining).
  boost::asio::awaitable<bool> WaitForRequest() {
    if (buffer_.size() > 0) co_return true;
    deadline_.ExpiresAfter(limits_.idle_timeout);
    error_code ec;
    const size_t n = co_await stream_.async_read_some(
        buffer_.prepare(httpio::kReadChunk),
        boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    buffer_.commit(n);
    co_return n > 0;  // closed, reset or idle too long: nothing to answer
  }

  // The whole request, or nullopt once the connection is answered and done.
  boost::asio::awaitable<std::optional<Request>> ReadRequest() {
    deadline_.ExpiresAfter(limits_.request_timeout);
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser.body_limit(std::max(limits_.max_body_bytes, limits_.max_batch_body_bytes));
    httpio::ReadOutcome read =
        co_await httpio::ReadHeader(stream_, buffer_, parser, limits_.max_header_bytes);
    // The request line is parsed before any field: the route is known also when the
    // header failed on a length over every route's limit.
    const auto target = parser.get().target();
    const size_t body_limit = session::BodyLimitFor(std::string_view(target.data(), target.size()), limits_);
    if (read.ok()) {
      if (auto framing = session::CheckFraming(parser)) {
        co_await RefuseAndClose(*framing);
        co_return std::nullopt;
      }
      const auto declared = parser.content_length();
      if (declared && *declared > body_limit) read = {httpio::ReadStatus::kBodyTooLarge, {}};
    }
    if (read.ok()) {
      parser.body_limit(body_limit);
      if (session::ExpectsContinue(parser.get()) && !parser.is_done()) co_await WriteContinue();
      read = co_await httpio::ReadMessage(stream_, buffer_, parser, limits_.max_header_bytes);
    }
    if (!read.ok()) {
      if (auto error = session::ErrorOfRead(read, deadline_.expired(), body_limit)) {
        co_await RefuseAndClose(*error);
      }
      co_return std::nullopt;
    }
    deadline_.Clear();
    co_return parser.release();
  }

  // Handles the request and writes the answer; false when the connection is done.
  boost::asio::awaitable<bool> Answer(Request request) {
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    std::optional<Response> response;
    ++shared_.in_flight;
    try {
      response = co_await api_.Handle(std::move(request), peer_);
    } catch (...) {
      ReportUnhandled("http", std::current_exception());
    }
    --shared_.in_flight;
    if (!response) {
      co_await RefuseAndClose(session::InternalError());
      co_return false;
    }
    // An HTTP/1.0 client is answered in 1.0, so that keep-alive is said out loud.
    response->version(version == 10 ? 10 : 11);
    response->keep_alive(keep_alive && !shared_.stopping.load());
    deadline_.ExpiresAfter(limits_.request_timeout);
    error_code ec;
    co_await http::async_write(stream_, *response, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    deadline_.Clear();
    co_return !ec && response->keep_alive();
  }

  boost::asio::awaitable<void> WriteContinue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    error_code ec;
    co_await boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                                      boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  boost::asio::awaitable<void> RefuseAndClose(const Error& error) {
    co_await RefuseAndClose(session::ClosingProblem(error));
  }

  // An answer before the request was read whole: the connection cannot be reused, so
  // answer, then read and discard for a moment what the client still sends (bounded in
  // time and bytes) before closing.
  boost::asio::awaitable<void> RefuseAndClose(Response response) {
    api_.CountTransportError(response.result_int());
    response.keep_alive(false);
    deadline_.ExpiresAfter(std::chrono::seconds(2));
    error_code ec;
    co_await http::async_write(stream_, response, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return;
    if (transport_.shutdown_send) transport_.shutdown_send();
    std::array<char, 16 * 1024> sink;
    for (size_t drained = 0; drained < 64 * 1024 * 1024;) {
      const size_t n = co_await stream_.async_read_some(
          boost::asio::buffer(sink), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) break;
      drained += n;
    }
  }

  Stream& stream_;
  const Peer peer_;
  Api& api_;
  const HttpLimits& limits_;
  SessionShared shared_;
  SessionTransport transport_;
  httpio::Deadline deadline_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace deliverer::api
