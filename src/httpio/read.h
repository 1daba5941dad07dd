#pragma once
// Reading one HTTP/1.1 message (a request or a response) from a stream with Beast's
// parser, for every socket that faces the outside: the API listener, the clients that
// talk to producers' webhook receivers and to HTTP carriers, and the simulator. Use these
// instead of http::async_read and http::async_read_header, which
//   - parse inside the I/O loop, where an exception from the parser escapes to
//     io_context::run() and stops the process: Beast 1.74 throws std::length_error for
//     any field of 64 KiB or more, which a chunked message's trailer can carry, since its
//     header_limit covers the header only;
//   - let the bytes of an unfinished header line, chunk-size line or trailer pile up in
//     the buffer without bound.
// Here the parser runs in the caller's coroutine: whatever it throws fails this message
// only (kMalformed), and the bytes buffered but not yet parsed never exceed
// `max_pending` (kTooLarge): a header, a chunk-size line or a trailer larger than that is
// refused. Bodies stream through the parser and are bounded by its body_limit.
//
// Timeouts are the caller's (httpio::Deadline): a cancelled read ends with kIo and
// operation_aborted. Coroutines on the stream's executor; not thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string_view>

namespace deliverer::httpio {

enum class ReadStatus : uint8_t {
  kOk,
  kClosed,        // the peer closed cleanly before the message's first byte
  kTruncated,     // the peer closed in the middle of the message
  kTooLarge,      // a header, a chunk-size line or a trailer over max_pending bytes
  kBodyTooLarge,  // the body is over the parser's body_limit
  kMalformed,     // not a message as RFC 9112 frames it (or the parser threw)
  kIo,            // a socket error, or cancelled (a deadline passed)
};
std::string_view ToString(ReadStatus status);

struct ReadOutcome {
  ReadStatus status = ReadStatus::kOk;
  boost::system::error_code error;  // the socket's or the parser's, for logs
  bool ok() const { return status == ReadStatus::kOk; }
};

// How much a single read asks the stream for.
inline constexpr size_t kReadChunk = 16 * 1024;

// Maps a parser error (not need_more) to a status.
ReadStatus StatusOfParseError(const boost::system::error_code& error);

namespace internal {

enum class Until : uint8_t { kHeader, kMessage };

template <bool isRequest, class Body>
bool Reached(const boost::beast::http::parser<isRequest, Body>& parser, Until until) {
  return until == Until::kHeader ? parser.is_header_done() : parser.is_done();
}

// Feeds what is buffered to the parser; returns false with `out` set when the message
// cannot go on, true when more bytes are needed or `until` is reached.
template <bool isRequest, class Body>
bool Feed(boost::beast::http::parser<isRequest, Body>& parser, boost::beast::flat_buffer& buffer,
          Until until, ReadOutcome& out) {
  namespace http = boost::beast::http;
  while (buffer.size() > 0 && !Reached(parser, until)) {
    boost::system::error_code ec;
    size_t used = 0;
    try {
      used = parser.put(buffer.data(), ec);
    } catch (const std::exception&) {
      out = {ReadStatus::kMalformed, make_error_code(http::error::bad_value)};
      return false;
    }
    buffer.consume(used);
    if (ec == http::error::need_more) return true;
    if (ec) {
      out = {StatusOfParseError(ec), ec};
      return false;
    }
    if (used == 0) return true;
  }
  return true;
}

template <class Stream, bool isRequest, class Body>
boost::asio::awaitable<ReadOutcome> Read(Stream& stream, boost::beast::flat_buffer& buffer,
                                         boost::beast::http::parser<isRequest, Body>& parser,
                                         size_t max_pending, Until until) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  parser.eager(until == Until::kMessage);
  ReadOutcome out;
  for (;;) {
    if (!Feed(parser, buffer, until, out)) co_return out;
    if (Reached(parser, until)) co_return ReadOutcome{};
    if (buffer.size() >= max_pending) co_return ReadOutcome{ReadStatus::kTooLarge, {}};
    const size_t room = std::min(kReadChunk, max_pending - buffer.size());
    boost::system::error_code ec;
    const size_t n = co_await stream.async_read_some(buffer.prepare(room),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    buffer.commit(n);
    if (n > 0) continue;  // parse what came, even when the stream also reported an error
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      if (!parser.got_some()) co_return ReadOutcome{ReadStatus::kClosed, ec};
      // A response without Content-Length or chunked framing ends where the stream does.
      boost::system::error_code eof;
      try {
        parser.put_eof(eof);
      } catch (const std::exception&) {
        co_return ReadOutcome{ReadStatus::kMalformed, {}};
      }
      if (!eof && Reached(parser, until)) co_return ReadOutcome{};
      co_return ReadOutcome{ReadStatus::kTruncated, eof ? eof : ec};
    }
    if (ec) co_return ReadOutcome{ReadStatus::kIo, ec};
  }
}

}  // namespace internal

// Reads until the parser has the whole header (the body, if any, follows with ReadBody).
// Bytes past the header stay in `buffer`.
template <class Stream, bool isRequest, class Body>
boost::asio::awaitable<ReadOutcome> ReadHeader(Stream& stream, boost::beast::flat_buffer& buffer,
                                               boost::beast::http::parser<isRequest, Body>& parser,
                                               size_t max_pending) {
  return internal::Read(stream, buffer, parser, max_pending, internal::Until::kHeader);
}

// Reads the rest of the message (the whole of it when no header was read yet). Bytes past
// the message (a pipelined request) stay in `buffer`.
template <class Stream, bool isRequest, class Body>
boost::asio::awaitable<ReadOutcome> ReadMessage(Stream& stream, boost::beast::flat_buffer& buffer,
                                                boost::beast::http::parser<isRequest, Body>& parser,
                                                size_t max_pending) {
  return internal::Read(stream, buffer, parser, max_pending, internal::Until::kMessage);
}

}  // namespace deliverer::httpio
