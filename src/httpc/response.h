#pragma once
// Reading a response to a request this process sent (to a producer's webhook receiver, an
// HTTP carrier, or the simulator's callbacks), from any Beast stream: the part of the
// client the outside controls, kept apart so that it can be fuzzed on an in-memory stream.
//
// Interim 1xx answers (100 Continue, 103 Early Hints) are skipped, at most kMaxInterim of
// them; a status outside 100 … 599 is no answer; the header block (and a chunked body's trailer) is bounded by kMaxHeaderBytes and
// the body by `body_limit` (httpio/read.h). Nothing the parser throws escapes.
// Coroutine on the stream's executor; timeouts are the caller's.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

#include "httpio/read.h"

namespace deliverer::httpc {

struct ResponseRead {
  int status = 0;  // 0 when no complete response came
  std::string body;
  bool keep_alive = false;
  std::string error;  // why status is 0: "read: too_large", "read: timeout"-like words
};

inline constexpr size_t kMaxHeaderBytes = 32 * 1024;
inline constexpr int kMaxInterim = 8;

// Reads one final response from `stream`.
template <class Stream>
boost::asio::awaitable<ResponseRead> ReadResponse(Stream& stream, boost::beast::flat_buffer& buffer,
                                                  size_t body_limit) {
  namespace http = boost::beast::http;
  ResponseRead out;
  for (int interim = 0; interim <= kMaxInterim; ++interim) {
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(body_limit);
    const httpio::ReadOutcome read = co_await httpio::ReadMessage(stream, buffer, parser, kMaxHeaderBytes);
    if (!read.ok()) {
      out.error = "read: " + std::string(httpio::ToString(read.status));
      if (read.error) out.error += " (" + read.error.message() + ")";
      co_return out;
    }
    const int status = static_cast<int>(parser.get().result_int());
    // Beast takes any three digits; RFC 9110 §15 knows 100 to 599. Anything else is no
    // answer to act on (and 0 would read as "none came").
    if (status < 100 || status > 599) {
      out.error = "read: malformed (status " + std::to_string(status) + ")";
      co_return out;
    }
    if (status >= 100 && status < 200 && status != 101) continue;
    out.status = status;
    out.keep_alive = parser.get().keep_alive();
    out.body = std::move(parser.get().body());
    co_return out;
  }
  out.error = "read: too many interim responses";
  co_return out;
}

}  // namespace deliverer::httpc
