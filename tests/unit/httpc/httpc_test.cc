// The HTTP client connection: URL parsing, keep-alive reuse, what `written` says when
// nothing could be sent, the SSRF guard, and timeouts; against a small loopback server.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <optional>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "httpc/connection.h"
#include "httpc/tls_client.h"
#include "validation/url.h"
#include "support/loopback_http_server.h"
#include "support/test_certificate.h"

namespace deliverer::httpc {
namespace {

using test_http::LoopbackServer;
using test_http::Ok;
using validation::ParseUrl;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

TEST(MakePostTest, SetsHostWithPortOnlyWhenNotTheDefault) {
  auto req = MakePost(*ParseUrl("http://127.0.0.1:9000/send"), "{}", "application/json");
  EXPECT_EQ(req[http::field::host], "127.0.0.1:9000");
  EXPECT_EQ(req.target(), "/send");
  EXPECT_EQ(req[http::field::content_length], "2");
  auto v6 = MakePost(*ParseUrl("https://[::1]/x"), "", "text/plain");
  EXPECT_EQ(v6[http::field::host], "[::1]");
  EXPECT_EQ(v6.count(http::field::authorization), 0u);
}

TEST(MakeGetTest, CarriesTheSameHostAndNoBody) {
  auto req = MakeGet(*ParseUrl("http://127.0.0.1:8080/healthz"));
  EXPECT_EQ(req.method(), http::verb::get);
  EXPECT_EQ(req.target(), "/healthz");
  EXPECT_EQ(req[http::field::host], "127.0.0.1:8080");
  EXPECT_TRUE(req.body().empty());
  EXPECT_EQ(req.count(http::field::content_type), 0u);
}

// A callback URL with user info is accepted at ingest (validation/url.h), so it must be
// deliverable: its credentials go out as HTTP Basic authentication.
TEST(MakePostTest, CredentialsInTheUrlAreSentAsBasicAuthentication) {
  auto req = MakePost(*ParseUrl("https://Aladdin:open%20sesame@hooks.example/x"), "", "text/plain");
  EXPECT_EQ(req[http::field::authorization], "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");  // RFC 7617 §2
  EXPECT_EQ(req[http::field::host], "hooks.example");
}

// Runs `exchanges` requests one after another on one Connection; returns their outcomes.
std::vector<Outcome> RunExchanges(asio::io_context& io, ConnectionOptions options, int exchanges) {
  std::vector<Outcome> outcomes;
  auto connection = std::make_shared<Connection>(io.get_executor(), options);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < exchanges; ++i) {
          outcomes.push_back(co_await connection->Exchange(MakePost(options.url, "n" + std::to_string(i), "text/plain")));
        }
        connection->Close();
        io.stop();
      },
      asio::detached);
  io.run();
  return outcomes;
}

ConnectionOptions Options(uint16_t port) {
  ConnectionOptions options;
  options.url = *ParseUrl("http://127.0.0.1:" + std::to_string(port) + "/send");
  options.timeout = Millis{2000};
  return options;
}

TEST(ConnectionTest, KeepsOneConnectionAliveAcrossExchanges) {
  asio::io_context io;
  LoopbackServer server(io, [](int n, const std::string& body) { return Ok(std::to_string(n) + ":" + body); });
  auto outcomes = RunExchanges(io, Options(server.port()), 3);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[2].status, 200);
  EXPECT_EQ(outcomes[2].body, "3:n2");
  EXPECT_TRUE(outcomes[0].written);
  EXPECT_EQ(server.connections, 1);
}

TEST(ConnectionTest, ReopensAfterThePeerAsksToClose) {
  asio::io_context io;
  LoopbackServer server(io, [](int, const std::string&) {
    auto res = Ok("x");
    res.keep_alive(false);
    return res;
  });
  auto outcomes = RunExchanges(io, Options(server.port()), 2);
  EXPECT_TRUE(outcomes[0].ok());
  EXPECT_TRUE(outcomes[1].ok());
  EXPECT_EQ(server.connections, 2);
}

// A peer that answers each request twice: the second answer must not be taken for the
// answer to the next request on the kept connection.
TEST(ConnectionTest, BytesPastTheAnswerCloseTheConnection) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  int connections = 0;
  std::function<void()> accept = [&] {
    acceptor.async_accept([&](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      ++connections;
      asio::co_spawn(
          io,
          [socket = std::move(socket), n = connections]() mutable -> asio::awaitable<void> {
            beast::flat_buffer buffer;
            http::request<http::string_body> request;
            beast::error_code ec;
            co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
            const std::string first = "answer " + std::to_string(n);
            const std::string twice = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(first.size()) +
                                      "\r\n\r\n" + first + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";
            co_await asio::async_write(socket, asio::buffer(twice), asio::redirect_error(asio::use_awaitable, ec));
            co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
          },
          asio::detached);
      accept();
    });
  };
  accept();
  auto outcomes = RunExchanges(io, Options(acceptor.local_endpoint().port()), 2);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].body, "answer 1");
  EXPECT_EQ(outcomes[1].body, "answer 2") << "not the stale second answer of the first connection";
  EXPECT_EQ(connections, 2);
}

TEST(ConnectionTest, NothingWrittenWhenTheConnectionIsRefused) {
  asio::io_context io;
  uint16_t closed_port = 0;
  {
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  auto outcomes = RunExchanges(io, Options(closed_port), 1);
  EXPECT_EQ(outcomes[0].status, 0);
  EXPECT_FALSE(outcomes[0].written);
  EXPECT_TRUE(outcomes[0].error.starts_with("connect:")) << outcomes[0].error;
}

TEST(ConnectionTest, WrittenButUnansweredWhenThePeerHangsUp) {
  asio::io_context io;
  LoopbackServer server(io, [](int, const std::string&) { return std::nullopt; });
  auto outcomes = RunExchanges(io, Options(server.port()), 1);
  EXPECT_EQ(outcomes[0].status, 0);
  EXPECT_TRUE(outcomes[0].written);
  EXPECT_TRUE(outcomes[0].error.starts_with("read:")) << outcomes[0].error;
}

TEST(ConnectionTest, RefusesLoopbackWhenPrivateAddressesAreNotAllowed) {
  asio::io_context io;
  LoopbackServer server(io, [](int, const std::string&) { return Ok("x"); });
  auto options = Options(server.port());
  options.allow_private = false;
  auto outcomes = RunExchanges(io, options, 1);
  EXPECT_EQ(outcomes[0].error, "forbidden_address");
  EXPECT_FALSE(outcomes[0].written);
  EXPECT_EQ(server.connections, 0);
}

TEST(ConnectionTest, CloseCancelsAnExchangeInProgress) {
  asio::io_context io;
  // Reads the request and never answers: only Close() can end the exchange early.
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket held(io);
  auto options = Options(acceptor.local_endpoint().port());
  options.timeout = Millis{60'000};
  auto connection = std::make_shared<Connection>(io.get_executor(), options);
  std::optional<Outcome> outcome;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        outcome = co_await connection->Exchange(MakePost(options.url, "x", "text/plain"));
        io.stop();
      },
      asio::detached);
  // The exchange is waiting for an answer once the server has the request's bytes.
  std::array<char, 16> sink;
  acceptor.async_accept(held, [&](beast::error_code) {
    held.async_read_some(asio::buffer(sink), [&](beast::error_code, size_t) { connection->Close(); });
  });
  io.run();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, 0);
  EXPECT_TRUE(outcome->written);
  EXPECT_TRUE(outcome->error.starts_with("read:")) << outcome->error;
}

// An HTTPS server on loopback with a certificate made now; answers one request per
// connection with 200 "tls".
class TlsServer {
 public:
  TlsServer(asio::io_context& io, const test_tls::TestCertificate& cert)
      : context_(asio::ssl::context::tls_server),
        server_(io, [](int, const std::string&) { return OneAnswer(); }, &context_) {
    context_.use_certificate_chain(asio::buffer(cert.certificate_pem));
    context_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
  }
  uint16_t port() const { return server_.port(); }

 private:
  static std::optional<http::response<http::string_body>> OneAnswer() {
    auto res = Ok("tls");
    res.keep_alive(false);
    return res;
  }

  asio::ssl::context context_;
  test_http::LoopbackServer server_;
};

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = test_tls::MakeSelfSigned();
    ca_path_ = std::filesystem::temp_directory_path() /
               ("httpc-ca-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pem");
    std::ofstream(ca_path_) << cert_.certificate_pem;
  }
  void TearDown() override { std::filesystem::remove(ca_path_); }

  Outcome Exchange(TlsClientOptions tls_options, std::string host = "127.0.0.1") {
    asio::io_context io;
    TlsServer server(io, cert_);
    auto context = MakeClientTlsContext(tls_options);
    EXPECT_TRUE(context.ok());
    ConnectionOptions options;
    options.url = *ParseUrl("https://" + host + ":" + std::to_string(server.port()) + "/send");
    options.tls = context->get();
    options.tls_verify = tls_options.verify;
    options.timeout = Millis{5000};
    return RunExchanges(io, options, 1).at(0);
  }

  test_tls::TestCertificate cert_;
  std::filesystem::path ca_path_;
};

TEST_F(HttpsTest, TrustedCertificateForTheHostIsAccepted) {
  Outcome outcome = Exchange({.verify = true, .ca_file = ca_path_.string()});
  EXPECT_EQ(outcome.status, 200) << outcome.error;
  EXPECT_EQ(outcome.body, "tls");
}

TEST_F(HttpsTest, SelfSignedPeerIsRefusedUnlessTrusted) {
  Outcome outcome = Exchange({.verify = true, .ca_file = ""});  // the system store only
  EXPECT_EQ(outcome.status, 0);
  EXPECT_FALSE(outcome.written) << "nothing is sent to an unverified peer";
  EXPECT_TRUE(outcome.error.starts_with("tls:")) << outcome.error;
}

TEST_F(HttpsTest, CertificateForAnotherHostIsRefused) {
  // Trusted, but issued for 127.0.0.1 and localhost: reaching it as 127.0.0.2 must fail.
  Outcome outcome = Exchange({.verify = true, .ca_file = ca_path_.string()}, "127.0.0.2");
  EXPECT_EQ(outcome.status, 0);
  EXPECT_TRUE(outcome.error.starts_with("tls:") || outcome.error.starts_with("connect:")) << outcome.error;
}

TEST_F(HttpsTest, VerificationOffIsAnExplicitChoice) {
  Outcome outcome = Exchange({.verify = false, .ca_file = ""});
  EXPECT_EQ(outcome.status, 200) << outcome.error;
}

TEST(TlsClientTest, MissingTrustFileIsAnError) {
  auto context = MakeClientTlsContext({.verify = true, .ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(context.ok());
  EXPECT_EQ(context.error().code, "tls_trust");
}

}  // namespace
}  // namespace deliverer::httpc
