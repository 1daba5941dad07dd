#pragma once
// What http_server_fuzz checks of the bytes a session wrote back. Returns "" when they
// hold, else what broke:
//   1. they are a sequence of whole HTTP/1.1 responses, interim 100 Continue answers
//      included, and nothing else;
//   2. nothing follows a response that closes the connection;
//   3. no response is a 500: a handler threw, which the message path must never do.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/asio/buffer.hpp>

#include <string>
#include <string_view>

namespace deliverer::api::fuzz {

struct WrittenResponses {
  int interim = 0;  // 1xx
  int final = 0;
  bool closed = false;  // the last final response said Connection: close
};

// Parses one response from the front of `out`; consumes it. "" or the problem.
inline std::string ParseOneResponse(std::string_view& out, WrittenResponses& seen) {
  namespace http = boost::beast::http;
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code ec;
  const size_t used = parser.put(boost::asio::buffer(out.data(), out.size()), ec);
  if (ec || !parser.is_done()) {
    return "the session wrote what is not a whole response: " +
           (ec ? ec.message() : std::string("cut short")) + " at '" +
           std::string(out.substr(0, 80)) + "'";
  }
  out.remove_prefix(used);
  const unsigned status = parser.get().result_int();
  if (status >= 100 && status < 200) {
    ++seen.interim;
    return "";
  }
  if (status == 500) return "a handler threw (500): " + parser.get().body().substr(0, 200);
  ++seen.final;
  seen.closed = !parser.get().keep_alive();
  return "";
}

inline std::string CheckWrittenResponses(std::string_view out) {
  WrittenResponses seen;
  while (!out.empty()) {
    if (seen.closed) return "bytes after a response that closed the connection";
    if (std::string problem = ParseOneResponse(out, seen); !problem.empty()) return problem;
  }
  return "";
}

}  // namespace deliverer::api::fuzz
