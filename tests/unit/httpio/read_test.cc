// The bounded, exception-safe message reader (httpio/read.h) and the client's response
// reader on top of it (httpc/response.h), on Beast's in-memory stream.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/string_body.hpp>

#include "httpc/response.h"
#include "httpio/read.h"

namespace deliverer::httpio {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Runs `read` on a stream whose peer sent `bytes` and then closed (or not).
template <class T, class F>
T Run(const std::string& bytes, F read, bool close = true) {
  asio::io_context io;
  beast::test::stream stream(io);
  beast::test::stream peer(io);
  stream.connect(peer);
  peer.write_some(asio::buffer(bytes));
  if (close) peer.close();
  std::optional<T> result;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { result = co_await read(stream); }, asio::detached);
  io.run();
  return std::move(*result);
}

struct RequestRead {
  ReadOutcome outcome;
  std::string body;
  std::string rest;  // still buffered after the message
};

RequestRead ReadRequest(const std::string& bytes, size_t max_pending = 1024, size_t body_limit = 4096) {
  return Run<RequestRead>(bytes, [&](beast::test::stream& stream) -> asio::awaitable<RequestRead> {
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    RequestRead out;
    out.outcome = co_await ReadMessage(stream, buffer, parser, max_pending);
    if (out.outcome.ok()) out.body = parser.get().body();
    out.rest = beast::buffers_to_string(buffer.data());
    co_return out;
  });
}

TEST(ReadTest, ReadsAContentLengthRequestAndLeavesThePipelinedOneBuffered) {
  auto r = ReadRequest("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GET /b HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.outcome.ok()) << ToString(r.outcome.status);
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.rest, "GET /b HTTP/1.1\r\n\r\n");
}

TEST(ReadTest, ReadsAChunkedBodyWithASmallTrailer) {
  auto r = ReadRequest("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "2\r\n{\"\r\n3\r\na\":\r\n2\r\n1}\r\n0\r\nX-Checksum: 7\r\n\r\n");
  ASSERT_TRUE(r.outcome.ok()) << ToString(r.outcome.status);
  EXPECT_EQ(r.body, "{\"a\":1}");
}

// Beast 1.74 counts no trailer against its header limit, and throws std::length_error for
// a field of 64 KiB or more: out of http::async_read, that stopped the process.
TEST(ReadTest, ATrailerOverTheLimitIsTooLargeAndAHugeFieldThrowsNothing) {
  const std::string head = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n";
  auto over = ReadRequest(head + "X-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_EQ(over.outcome.status, ReadStatus::kTooLarge);
  // With room for it, the field reaches the parser, which throws: caught, malformed.
  auto huge = ReadRequest(head + "X-Big: " + std::string(70'000, 'a') + "\r\n\r\n", 200'000);
  EXPECT_EQ(huge.outcome.status, ReadStatus::kMalformed);
}

TEST(ReadTest, AHeaderOrAChunkLineOverTheLimitIsTooLarge) {
  EXPECT_EQ(ReadRequest("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n").outcome.status,
            ReadStatus::kTooLarge);
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;" + std::string(2000, 'e') +
                        "\r\n{}\r\n0\r\n\r\n")
                .outcome.status,
            ReadStatus::kTooLarge);
}

TEST(ReadTest, BodiesOverTheLimitAreBodyTooLargeInEitherFraming) {
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n").outcome.status,
            ReadStatus::kBodyTooLarge);
  std::string chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) chunked += "3E8\r\n" + std::string(1000, 'a') + "\r\n";
  EXPECT_EQ(ReadRequest(chunked + "0\r\n\r\n").outcome.status, ReadStatus::kBodyTooLarge);
}

TEST(ReadTest, FramingThatCannotBeReadOneWayIsMalformed) {
  for (const std::string& bytes : {
           std::string("GARBAGE\r\n\r\n"),
           std::string("POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"),
           std::string("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"),
           std::string("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
       }) {
    EXPECT_EQ(ReadRequest(bytes).outcome.status, ReadStatus::kMalformed) << bytes;
  }
}

TEST(ReadTest, ClosedBeforeAnyByteIsClosedAndMidMessageIsTruncated) {
  EXPECT_EQ(ReadRequest("").outcome.status, ReadStatus::kClosed);
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}").outcome.status, ReadStatus::kTruncated);
}

httpc::ResponseRead ReadResponse(const std::string& bytes, size_t body_limit = 4096) {
  return Run<httpc::ResponseRead>(bytes, [&](beast::test::stream& stream) -> asio::awaitable<httpc::ResponseRead> {
    beast::flat_buffer buffer;
    co_return co_await httpc::ReadResponse(stream, buffer, body_limit);
  });
}

TEST(ResponseTest, InterimAnswersAreSkipped) {
  auto r = ReadResponse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                        "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "ok");
  EXPECT_TRUE(r.keep_alive);
}

TEST(ResponseTest, ABodyWithoutLengthEndsWithTheConnection) {
  auto r = ReadResponse("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "until the end");
  EXPECT_FALSE(r.keep_alive);
}

// Finding 2: a webhook receiver (or an HTTP carrier) that answered with a huge chunked
// trailer aborted the gateway, at every restart again.
TEST(ResponseTest, AHugeTrailerIsAFailedExchangeNotACrash) {
  auto r = ReadResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX: " +
                        std::string(70'000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("read: too_large", 0), 0u) << r.error;
}

// Beast reads any three digits as a status; one outside RFC 9110's 100 … 599 is no answer
// (a 000 would otherwise read as "nothing came", a 999 as some failure).
TEST(ResponseTest, AStatusOutsideTheRfcsRangeIsNoAnswer) {
  for (const char* line : {"HTTP/1.1 000 Zero\r\n", "HTTP/1.1 099 Low\r\n", "HTTP/1.1 999 High\r\n"}) {
    auto r = ReadResponse(std::string(line) + "Content-Length: 0\r\n\r\n");
    EXPECT_EQ(r.status, 0) << line;
    EXPECT_NE(r.error.find("malformed (status"), std::string::npos) << r.error;
  }
}

TEST(ResponseTest, EndlessInterimAnswersAreRefused) {
  std::string bytes;
  for (int i = 0; i < 20; ++i) bytes += "HTTP/1.1 100 Continue\r\n\r\n";
  auto r = ReadResponse(bytes);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("interim"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace deliverer::httpio
