#include "support/fault_proxy.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <exception>
#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace deliverer::test_support {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Mode = FaultProxy::Mode;

enum Way { kToServer = 0, kToClient = 1 };

// What a coroutine threw, on stderr; the proxy's thread goes on.
void Report(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FaultProxy: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "FaultProxy: an exception of unknown type\n");
  }
}

auto Redirect(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// SO_LINGER 0, so that close sends RST and the peer's next read fails with ECONNRESET, as
// behind a middlebox that drops the connection.
void ResetSocket(tcp::socket& socket) {
  error_code ignored;
  if (socket.is_open()) socket.set_option(tcp::socket::linger(true, 0), ignored);
  socket.close(ignored);
}

// One proxied connection. Used on the proxy's thread only.
struct Connection {
  explicit Connection(tcp::socket accepted)
      : client(std::move(accepted)),
        server(client.get_executor()),
        timers{asio::steady_timer(client.get_executor()), asio::steady_timer(client.get_executor())} {}
  tcp::socket client;
  tcp::socket server;
  std::array<asio::steady_timer, 2> timers;  // kDelay's wait, per way
  std::array<bool, 2> ended{false, false};   // per way: the sender closed its side
  bool closed = false;
};
using ConnectionPtr = std::shared_ptr<Connection>;

}  // namespace

struct FaultProxy::Impl {
  Impl(const std::string& host, uint16_t target_port, size_t max);

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(ConnectionPtr c);
  asio::awaitable<void> Pump(ConnectionPtr c, Way way);
  void SenderEnded(const ConnectionPtr& c, Way way, const error_code& ec, Mode mode);
  void End(const ConnectionPtr& c, bool reset);
  void ResetAll();
  void Shutdown();
  void Run();

  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<tcp::endpoint> target;
  const size_t max_connections;
  uint16_t port = 0;
  std::atomic<Mode> mode{Mode::kPass};
  std::atomic<int64_t> delay_ms{0};
  std::atomic<size_t> open{0};
  std::atomic<size_t> accepted{0};
  std::set<ConnectionPtr> live;  // the proxy's thread only
  std::thread thread;
};

FaultProxy::Impl::Impl(const std::string& host, uint16_t target_port, size_t max)
    : max_connections(max == 0 ? 1 : max) {
  tcp::resolver resolver(io);
  for (const auto& entry : resolver.resolve(host, std::to_string(target_port))) target.push_back(entry.endpoint());
  const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(local.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(local);
  acceptor.listen();
  port = acceptor.local_endpoint().port();
}

asio::awaitable<void> FaultProxy::Impl::Accept() {
  asio::steady_timer backoff(io);
  for (;;) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(Redirect(ec));
    if (!acceptor.is_open()) co_return;
    if (ec) {  // e.g. out of descriptors: again in a moment
      backoff.expires_after(std::chrono::milliseconds(10));
      co_await backoff.async_wait(Redirect(ec));
      continue;
    }
    ++accepted;
    if (live.size() >= max_connections || mode == Mode::kReset) {
      ResetSocket(socket);
      continue;
    }
    auto c = std::make_shared<Connection>(std::move(socket));
    live.insert(c);
    open = live.size();
    asio::co_spawn(io, Serve(c), Report);
  }
}

asio::awaitable<void> FaultProxy::Impl::Serve(ConnectionPtr c) {
  error_code ec;
  co_await asio::async_connect(c->server, target, Redirect(ec));
  if (c->closed) co_return;
  if (ec) {
    End(c, true);
    co_return;
  }
  // Chunks go on as they come: Nagle would add its own delay to every small write.
  c->client.set_option(tcp::no_delay(true), ec);
  c->server.set_option(tcp::no_delay(true), ec);
  asio::co_spawn(io, Pump(c, kToServer), Report);
  asio::co_spawn(io, Pump(c, kToClient), Report);
}

asio::awaitable<void> FaultProxy::Impl::Pump(ConnectionPtr c, Way way) {
  tcp::socket& from = way == kToServer ? c->client : c->server;
  tcp::socket& to = way == kToServer ? c->server : c->client;
  std::array<char, kChunkBytes> chunk;
  for (;;) {
    error_code ec;
    const size_t n = co_await from.async_read_some(asio::buffer(chunk), Redirect(ec));
    if (c->closed) co_return;
    const Mode now = mode.load();
    if (ec) {
      SenderEnded(c, way, ec, now);
      co_return;
    }
    if (now == Mode::kReset) {
      End(c, true);
      co_return;
    }
    if (now == Mode::kBlackhole || (now == Mode::kOneWay && way == kToClient)) continue;
    if (now == Mode::kDelay) {
      c->timers[way].expires_after(std::chrono::milliseconds(delay_ms.load()));
      co_await c->timers[way].async_wait(Redirect(ec));
      if (c->closed) co_return;
    }
    co_await asio::async_write(to, asio::buffer(chunk.data(), n), Redirect(ec));
    if (c->closed) co_return;
    if (ec) {
      End(c, true);
      co_return;
    }
  }
}

// The sender of `way` closed its side (eof) or failed. Its end goes on as the same end, a
// FIN or a reset, except where the mode drops what that side sends: there the other side
// is kept waiting (in kBlackhole both ways, as across a partition: a server never learns
// that its client gave up).
void FaultProxy::Impl::SenderEnded(const ConnectionPtr& c, Way way, const error_code& ec, Mode now) {
  const bool hidden = now == Mode::kBlackhole || (way == kToClient && now == Mode::kOneWay);
  if (!hidden && ec != asio::error::eof) {
    End(c, true);
    return;
  }
  error_code ignored;
  if (!hidden) (way == kToServer ? c->server : c->client).shutdown(tcp::socket::shutdown_send, ignored);
  c->ended[way] = true;
  if (c->ended[kToServer] && c->ended[kToClient]) End(c, false);
}

// Closes both sides, with a FIN or (`reset`) a RST.
void FaultProxy::Impl::End(const ConnectionPtr& c, bool reset) {
  if (c->closed) return;
  c->closed = true;
  error_code ignored;
  for (tcp::socket* socket : {&c->client, &c->server}) {
    if (reset) {
      ResetSocket(*socket);
    } else {
      socket->close(ignored);
    }
  }
  for (auto& timer : c->timers) timer.cancel();
  live.erase(c);
  open = live.size();
}

void FaultProxy::Impl::ResetAll() {
  const auto all = live;
  for (const auto& c : all) End(c, true);
}

void FaultProxy::Impl::Shutdown() {
  error_code ignored;
  acceptor.close(ignored);
  const auto all = live;
  for (const auto& c : all) End(c, false);
}

void FaultProxy::Impl::Run() {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
      Report(std::current_exception());
    }
  }
}

FaultProxy::FaultProxy(const std::string& target_host, uint16_t target_port, size_t max_connections)
    : impl_(std::make_unique<Impl>(target_host, target_port, max_connections)) {
  asio::co_spawn(impl_->io, impl_->Accept(), Report);
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
}

// Every coroutine ends once its sockets and timers are closed, so run() returns.
FaultProxy::~FaultProxy() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->Shutdown(); });
  impl_->thread.join();
}

uint16_t FaultProxy::port() const { return impl_->port; }

void FaultProxy::Set(Mode mode) {
  impl_->mode = mode;
  if (mode == Mode::kReset) asio::post(impl_->io, [impl = impl_.get()] { impl->ResetAll(); });
}

void FaultProxy::SetDelay(std::chrono::milliseconds delay) {
  impl_->delay_ms = delay.count();
  impl_->mode = Mode::kDelay;
}

FaultProxy::Mode FaultProxy::mode() const { return impl_->mode; }
size_t FaultProxy::connections() const { return impl_->open; }
size_t FaultProxy::accepted() const { return impl_->accepted; }

}  // namespace deliverer::test_support
