#include "loadgen/wire.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

namespace deliverer::loadgen {
namespace {

namespace http = boost::beast::http;

TEST(WireTest, RequestIsOneWellFormedHttpMessage) {
  const std::string head = RequestHead("/v1/messages", "127.0.0.1:8080", "dk_test_secret");
  std::string wire = "stale bytes";
  WriteRequest(head, R"({"to":"+442079460123"})", wire);

  http::request_parser<http::string_body> parser;
  parser.eager(true);  // header and body in one put()
  boost::beast::error_code ec;
  const size_t used = parser.put(boost::asio::buffer(wire), ec);
  ASSERT_FALSE(ec) << ec.message() << "\n" << wire;
  EXPECT_EQ(used, wire.size());
  ASSERT_TRUE(parser.is_done());
  const auto& request = parser.get();
  EXPECT_EQ(request.method(), http::verb::post);
  EXPECT_EQ(request.target(), "/v1/messages");
  EXPECT_EQ(request[http::field::host], "127.0.0.1:8080");
  EXPECT_EQ(request[http::field::authorization], "Bearer dk_test_secret");
  EXPECT_EQ(request[http::field::content_type], "application/json");
  EXPECT_TRUE(request.keep_alive());
  EXPECT_EQ(request.body(), R"({"to":"+442079460123"})");
}

TEST(WireTest, EmptyBodyHasLengthZero) {
  std::string wire;
  WriteRequest(RequestHead("/x", "h:1", "k"), "", wire);
  EXPECT_EQ(wire.substr(wire.size() - 21), "Content-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace deliverer::loadgen
