// How the listener frames requests and bounds slow clients (docs/security.md "Resource
// limits"), byte by byte, as a client behind a proxy or a hostile one would send them.
#include "integration/harness.h"
#include "integration/raw_http.h"

namespace deliverer::integration {
namespace {

std::string Post(const std::string& key, const std::string& body, const std::string& framing) {
  return "POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
         "\r\nContent-Type: application/json\r\n" + framing + "\r\n" + body;
}

std::string Chunked(const std::string& body, size_t piece) {
  std::string out;
  char size[16];
  for (size_t at = 0; at < body.size(); at += piece) {
    const std::string part = body.substr(at, piece);
    snprintf(size, sizeof size, "%zx", part.size());
    out += std::string(size) + "\r\n" + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

int StatusOf(const std::string& answer) {
  return answer.starts_with("HTTP/1.1 ") && answer.size() >= 12 ? std::stoi(answer.substr(9, 3)) : 0;
}

TEST(HttpFramingTest, AChunkedRequestBodyIsReadWhole) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  RawClient client(server.Port());
  const std::string body = Message(kTo, "sent in chunks").dump();
  client.Send(Post(key, Chunked(body, 7), "Transfer-Encoding: chunked\r\n"));
  const std::string answer = client.ReadResponse(Millis(10'000));
  ASSERT_EQ(StatusOf(answer), 202) << answer;
  const Json accepted = Json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
  EXPECT_EQ(server.Get("/v1/messages/" + accepted["message_id"].get<std::string>(), key).json["status"], "queued");
}

TEST(HttpFramingTest, AChunkedBodyOverTheLimitIs413) {
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\nmax_body_bytes = 1000\n");
  const std::string key = server.CreateKey("acme", kSendRead);
  RawClient client(server.Port());
  client.Send(Post(key, Chunked(Message(kTo, std::string(2000, 'a')).dump(), 500), "Transfer-Encoding: chunked\r\n"));
  const std::string answer = client.ReadUntilClosed(Millis(10'000));
  EXPECT_EQ(StatusOf(answer), 413) << answer;
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
}

// Finding 8 (low-medium): a Transfer-Encoding other than exactly "chunked" was read as an
// empty body, and the bytes after it served as a second request: a desync behind a proxy
// that reads the body differently. RFC 9112 §6.3: 400 and close.
TEST(HttpFramingTest, Finding8_ATransferEncodingThatDoesNotEndInChunkedIs400AndClosed) {
  DelivererProcess server;
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string coding : {"gzip", "chunked, gzip", "identity", "x-custom"}) {
    RawClient client(server.Port());
    client.Send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding + "\r\n\r\n" + smuggled);
    const std::string answer = client.ReadUntilClosed(Millis(10'000));
    EXPECT_EQ(StatusOf(answer), 400) << coding << ": " << answer;
    EXPECT_NE(answer.find("invalid_request"), std::string::npos);
    EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << coding << ": the smuggled request was served";
  }
}

TEST(HttpFramingTest, Finding8_ContentLengthBesideTransferEncodingIs400AndClosed) {
  DelivererProcess server;
  RawClient client(server.Port());
  client.Send(
      "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = client.ReadUntilClosed(Millis(10'000));
  EXPECT_EQ(StatusOf(answer), 400) << answer;
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
}

// Finding 11: malformed framing closed the connection without a word.
TEST(HttpFramingTest, Finding11_MalformedRequestsAreAnswered400ThenClosed) {
  DelivererProcess server;
  for (const std::string& bytes :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("POST /v1/messages HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
        std::string("POST /v1/messages HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
    RawClient client(server.Port());
    client.Send(bytes);
    const std::string answer = client.ReadUntilClosed(Millis(10'000));
    EXPECT_EQ(StatusOf(answer), 400) << bytes << " → " << answer;
    EXPECT_TRUE(client.ClosedWithin(Millis(5'000)));
  }
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
}

// Finding 11: `Expect: 100-continue` was never answered, so such clients waited (curl
// waits 1 s) before sending the body.
TEST(HttpFramingTest, Finding11_Expect100ContinueIsAnsweredBeforeTheBody) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string body = Message().dump();
  RawClient client(server.Port());
  client.Send(Post(key, "", "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"));
  const std::string interim = client.ReadUntil("\r\n\r\n", Millis(10'000));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  client.Send(body);
  EXPECT_EQ(StatusOf(client.ReadResponse(Millis(10'000))), 202);
  // A body the route refuses by its length is answered at once, without 100.
  RawClient large(server.Port());
  large.Send(Post(key, "", "Expect: 100-continue\r\nContent-Length: 10000000\r\n"));
  EXPECT_EQ(StatusOf(large.ReadUntilClosed(Millis(10'000))), 413);
}

TEST(HttpFramingTest, PipelinedRequestsAreAnsweredInOrder) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string body = Message().dump();
  RawClient client(server.Port());
  client.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
              Post(key, body, "Content-Length: " + std::to_string(body.size()) + "\r\n") +
              "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(client.ReadResponse(Millis(10'000))), 200);
  EXPECT_EQ(StatusOf(client.ReadResponse(Millis(10'000))), 202);
  EXPECT_EQ(StatusOf(client.ReadResponse(Millis(10'000))), 404);
}

TEST(HttpFramingTest, AnHttp10ClientIsAnsweredIn10AndKeptAliveWhenItAsks) {
  DelivererProcess server;
  RawClient client(server.Port());
  for (int i = 0; i < 2; ++i) {
    client.Send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const std::string answer = client.ReadResponse(Millis(10'000));
    EXPECT_TRUE(answer.starts_with("HTTP/1.0 200 ")) << answer;
    EXPECT_NE(answer.find("Connection: keep-alive\r\n"), std::string::npos) << answer;
  }
  RawClient once(server.Port());
  once.Send("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(once.ReadUntilClosed(Millis(10'000)).starts_with("HTTP/1.0 200 "));
}

// Finding 9 (low): a header that came slowly was bounded only by the 60 s idle timeout,
// not by request_timeout_s, and no 408 was sent.
TEST(HttpFramingTest, Finding9_AHeaderThatDoesNotArriveInTimeIs408) {
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\nrequest_timeout_s = 1\nidle_timeout_s = 60\n");
  RawClient client(server.Port());
  const auto started = std::chrono::steady_clock::now();
  client.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // and the header never ends
  const std::string answer = client.ReadUntilClosed(Millis(30'000));
  EXPECT_EQ(StatusOf(answer), 408) << answer;
  EXPECT_NE(answer.find("request_timeout"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30))
      << "bounded by request_timeout_s, not by idle_timeout_s";
}

TEST(HttpFramingTest, Finding9_ABodyThatDoesNotArriveInTimeIs408) {
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\nrequest_timeout_s = 1\nidle_timeout_s = 60\n");
  const std::string key = server.CreateKey("acme", kSendRead);
  RawClient client(server.Port());
  client.Send(Post(key, "{\"to\":", "Content-Length: 100\r\n"));
  const std::string answer = client.ReadUntilClosed(Millis(30'000));
  EXPECT_EQ(StatusOf(answer), 408) << answer;
}

// A client that trickles its request in, each byte within any per-read timeout, is still
// bounded by request_timeout_s for the whole request (slowloris).
TEST(HttpFramingTest, Finding9_ATrickledRequestIsBoundedAsAWhole) {
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\nrequest_timeout_s = 1\n");
  RawClient client(server.Port());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'p') + "\r\n\r\n";
  std::string answer;
  for (char c : request) {
    if (!client.Send(std::string(1, c))) break;
    answer += client.ReadUntil("\r\n\r\n", Millis(20));
    if (!answer.empty()) break;
  }
  answer += client.ReadUntilClosed(Millis(10'000));
  EXPECT_EQ(StatusOf(answer), 408) << answer;
}

TEST(HttpFramingTest, AnIdleConnectionIsClosedSilentlyAfterTheIdleTimeout) {
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\nidle_timeout_s = 1\n");
  RawClient client(server.Port());
  client.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(client.ReadResponse(Millis(10'000))), 200);
  EXPECT_TRUE(client.ClosedWithin(Millis(30'000)));
  EXPECT_EQ(client.ReadUntilClosed(Millis(100)), "") << "nothing is sent to a connection idle between requests";
}

}  // namespace
}  // namespace deliverer::integration
