// FaultProxy between a client and a local echo server: what the client sees in each mode.
#include "support/eventually.h"
#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace deliverer::test_support {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Mode = FaultProxy::Mode;

// How long an answer may take on a loaded machine, and how long "nothing arrives" is watched.
constexpr milliseconds kAnswer(5000);
constexpr milliseconds kSilence(500);

// A TCP echo server on 127.0.0.1, on a thread of its own, that keeps every byte it received.
// A client's FIN is answered with a FIN.
class EchoServer {
 public:
  EchoServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, Accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }
  std::string received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Everything received once it is `n` bytes or more, or what came within `timeout`.
  std::string WaitForReceived(size_t n, milliseconds timeout) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
    return received_;
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io_, Echo(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> Echo(tcp::socket socket) {
    std::array<char, 4096> chunk;
    for (;;) {
      boost::system::error_code ec;
      const size_t n = co_await socket.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      {
        std::lock_guard lock(mutex_);
        received_.append(chunk.data(), n);
      }
      arrived_.notify_all();
      co_await asio::async_write(socket, asio::buffer(chunk.data(), n), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::string received_;
  std::thread thread_;
};

// What a blocking client read: the bytes, and why it stopped.
struct Read {
  std::string bytes;
  int error = 0;          // errno of a failed recv, e.g. ECONNRESET
  bool closed = false;    // the peer's FIN
  bool timed_out = false;
};

// A plain blocking TCP client, as the code under test would be one.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
    }
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void Send(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("send failed");
    }
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // Reads until `n` bytes came, the peer closed or reset, or `timeout` passed.
  Read Receive(size_t n, milliseconds timeout) {
    Read out;
    const auto deadline = Clock::now() + timeout;
    while (out.bytes.size() < n) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
        out.timed_out = true;
        break;
      }
      std::array<char, 4096> chunk;
      const ssize_t got = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (got < 0) {
        out.error = errno;
        break;
      }
      if (got == 0) {
        out.closed = true;
        break;
      }
      out.bytes.append(chunk.data(), static_cast<size_t>(got));
    }
    return out;
  }

 private:
  int fd_;
};

// Polls `condition` (a counter of the proxy's thread) until it holds or kAnswer passes.
bool Eventually(const std::function<bool()>& condition) { return test_support::Eventually(condition, kAnswer); }

class FaultProxyTest : public ::testing::Test {
 protected:
  EchoServer echo_;
  FaultProxy proxy_{"127.0.0.1", echo_.port()};
};

TEST_F(FaultProxyTest, PassForwardsBothWays) {
  Client client(proxy_.port());
  client.Send("hello");
  EXPECT_EQ(client.Receive(5, kAnswer).bytes, "hello");
  EXPECT_EQ(echo_.received(), "hello");
  EXPECT_EQ(proxy_.connections(), 1u);
  EXPECT_EQ(proxy_.accepted(), 1u);
}

TEST_F(FaultProxyTest, AClosingClientIsSeenByTheServerAndItsAnswerBack) {
  Client client(proxy_.port());
  client.Send("bye");
  client.ShutdownWrite();
  const Read read = client.Receive(4, kAnswer);
  EXPECT_EQ(read.bytes, "bye");
  EXPECT_TRUE(read.closed);
  EXPECT_TRUE(Eventually([&] { return proxy_.connections() == 0; }));
}

TEST_F(FaultProxyTest, DelayHoldsEveryChunkEachWay) {
  proxy_.SetDelay(milliseconds(200));
  EXPECT_EQ(proxy_.mode(), Mode::kDelay);
  Client client(proxy_.port());
  const auto start = Clock::now();
  client.Send("ping");
  EXPECT_EQ(client.Receive(4, kAnswer).bytes, "ping");
  EXPECT_GE(Clock::now() - start, milliseconds(400));  // 200 ms to the server, 200 back
}

TEST_F(FaultProxyTest, BlackholeHoldsConnectionsAndForwardsNothing) {
  Client open(proxy_.port());
  open.Send("a");
  ASSERT_EQ(open.Receive(1, kAnswer).bytes, "a");

  proxy_.Set(Mode::kBlackhole);
  open.Send("b");
  Client fresh(proxy_.port());
  fresh.Send("c");
  for (Client* client : {&open, &fresh}) {
    const Read read = client->Receive(1, kSilence);
    EXPECT_TRUE(read.timed_out);
    EXPECT_EQ(read.bytes, "");
  }
  EXPECT_EQ(echo_.received(), "a");
  EXPECT_TRUE(Eventually([&] { return proxy_.connections() == 2; }));

  proxy_.Set(Mode::kPass);
  Client after(proxy_.port());
  after.Send("d");
  EXPECT_EQ(after.Receive(1, kAnswer).bytes, "d");
}

TEST_F(FaultProxyTest, ResetResetsOpenAndNewConnections) {
  Client open(proxy_.port());
  open.Send("a");
  ASSERT_EQ(open.Receive(1, kAnswer).bytes, "a");

  proxy_.Set(Mode::kReset);
  EXPECT_EQ(open.Receive(1, kAnswer).error, ECONNRESET);
  Client fresh(proxy_.port());
  EXPECT_EQ(fresh.Receive(1, kAnswer).error, ECONNRESET);
  EXPECT_TRUE(Eventually([&] { return proxy_.connections() == 0; }));
}

TEST_F(FaultProxyTest, OneWayDeliversToTheServerOnly) {
  proxy_.Set(Mode::kOneWay);
  Client client(proxy_.port());
  client.Send("ping");
  EXPECT_EQ(echo_.WaitForReceived(4, kAnswer), "ping");
  const Read read = client.Receive(1, kSilence);
  EXPECT_TRUE(read.timed_out);
  EXPECT_EQ(read.bytes, "");
}

TEST_F(FaultProxyTest, ConnectionsBeyondTheCapAreReset) {
  FaultProxy small("127.0.0.1", echo_.port(), 2);
  Client first(small.port());
  Client second(small.port());
  for (Client* client : {&first, &second}) {
    client->Send("x");
    ASSERT_EQ(client->Receive(1, kAnswer).bytes, "x");
  }
  Client third(small.port());
  EXPECT_EQ(third.Receive(1, kAnswer).error, ECONNRESET);
  EXPECT_EQ(small.connections(), 2u);
  EXPECT_EQ(small.accepted(), 3u);
}

TEST_F(FaultProxyTest, ATargetThatRefusesResetsTheClient) {
  uint16_t closed_port = 0;
  {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  FaultProxy nowhere("127.0.0.1", closed_port);
  Client client(nowhere.port());
  EXPECT_EQ(client.Receive(1, kAnswer).error, ECONNRESET);
}

TEST(FaultProxyShutdown, TheDestructorClosesHeldConnections) {
  EchoServer echo;
  auto proxy = std::make_unique<FaultProxy>("127.0.0.1", echo.port());
  proxy->Set(Mode::kBlackhole);
  // Nothing sent: a socket closed with unread bytes would send RST instead of FIN.
  Client client(proxy->port());
  ASSERT_TRUE(Eventually([&] { return proxy->connections() == 1; }));
  proxy.reset();
  EXPECT_TRUE(client.Receive(1, kAnswer).closed);
}

}  // namespace
}  // namespace deliverer::test_support
