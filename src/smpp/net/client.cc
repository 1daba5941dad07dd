#include "smpp/net/client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>

#include <algorithm>

#include "common/backoff.h"
#include "common/log.h"
#include "common/unhandled.h"

namespace deliverer::smpp::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {
constexpr std::string_view kComponent = "smpp";

std::unique_ptr<asio::ssl::context> MakeTlsContext(const ClientEndpoint& endpoint) {
  if (!endpoint.tls) return nullptr;
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  context->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                       asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (endpoint.tls_ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(endpoint.tls_ca_file, ec);
  }
  if (ec) log::Error(kComponent, "cannot load TLS trust anchors: {}", ec.message());
  if (endpoint.tls_verify) {
    context->set_verify_mode(asio::ssl::verify_peer);
    context->set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
  } else {
    context->set_verify_mode(asio::ssl::verify_none);
  }
  return context;
}
}  // namespace

SmppClient::SmppClient(asio::any_io_executor executor, std::string name, ClientEndpoint endpoint,
                       SessionConfig config, AdaptiveRate& rate, SessionHandler& handler,
                       const Clock& clock, uint64_t seed)
    : executor_(executor),
      name_(std::move(name)),
      endpoint_(std::move(endpoint)),
      handler_(handler),
      clock_(clock),
      session_(std::move(config), *this, *this, rate),
      tls_context_(MakeTlsContext(endpoint_)),
      tick_timer_(executor),
      backoff_timer_(executor),
      random_(seed) {}

SmppClient::~SmppClient() = default;

void SmppClient::Start() {
  started_ = true;
  asio::co_spawn(executor_, [self = shared_from_this()] { return self->Run(); }, LogUnhandled("smpp"));
}

// ---------------------------------------------------------------------------------------
// The connection loop

awaitable<void> SmppClient::Run() {
  while (!stopping_) {
    std::shared_ptr<Channel> channel = co_await Connect();
    if (channel && stopping_) {
      channel->Close();
      break;
    }
    if (channel) {
      channel_ = channel;
      session_.OnConnected(clock_.Now());
      asio::co_spawn(executor_, [self = shared_from_this(), channel] { return self->TickLoop(channel); },
                     LogUnhandled("smpp", [channel] { channel->Close(); }));
      // An exception from a handler ends this connection only: reconnect as after a drop.
      try {
        co_await ReadLoop(channel);
      } catch (...) {
        ReportUnhandled("smpp", std::current_exception());
      }
      channel->Close();
      channel_.reset();
      tick_timer_.cancel();
      session_.OnDisconnected(clock_.Now());
    } else {
      ++failures_;
    }
    if (stopping_ || session_.state() == SessionState::kStopped) break;
    const Millis delay = NextBackoff();
    log::Info(kComponent, "{}: reconnecting in {} ms", name_, delay.count());
    backoff_timer_.expires_after(delay);
    boost::system::error_code ec;
    co_await backoff_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  Finish();
}

Millis SmppClient::NextBackoff() {
  if (bind_refused_) {
    bind_refused_ = false;
    return endpoint_.reconnect_max;
  }
  // Full jitter, the ceiling doubling with each failure, but never under half the
  // minimum: a flapping link must not reconnect in a hot loop.
  return FullJitter(failures_ + 1, endpoint_.reconnect_min, endpoint_.reconnect_max, random_,
                    endpoint_.reconnect_min / 2);
}

awaitable<std::shared_ptr<Channel>> SmppClient::Connect() {
  boost::system::error_code ec;
  Tcp::resolver resolver(executor_);
  const auto endpoints = co_await resolver.async_resolve(
      endpoint_.host, std::to_string(endpoint_.port), asio::redirect_error(use_awaitable, ec));
  if (ec) {
    log::Warn(kComponent, "{}: cannot resolve {}: {}", name_, endpoint_.host, ec.message());
    co_return nullptr;
  }
  auto socket = std::make_shared<Tcp::socket>(executor_);
  asio::steady_timer watchdog(executor_);
  watchdog.expires_after(endpoint_.connect_timeout);
  watchdog.async_wait([socket](boost::system::error_code wait_ec) {
    if (!wait_ec) socket->close();
  });
  co_await asio::async_connect(*socket, endpoints, asio::redirect_error(use_awaitable, ec));
  if (!ec && endpoint_.tls) {
    auto stream = std::make_unique<TlsStream>(std::move(*socket), *tls_context_);
    SSL_set_tlsext_host_name(stream->native_handle(), endpoint_.host.c_str());
    co_await stream->async_handshake(asio::ssl::stream_base::client,
                                     asio::redirect_error(use_awaitable, ec));
    watchdog.cancel();
    if (ec) {
      log::Warn(kComponent, "{}: TLS handshake with {}:{} failed: {}", name_, endpoint_.host,
                endpoint_.port, ec.message());
      co_return nullptr;
    }
    co_return Channel::Create(std::move(stream), endpoint_.max_pdu_len);
  }
  watchdog.cancel();
  if (ec) {
    log::Warn(kComponent, "{}: cannot connect to {}:{}: {}", name_, endpoint_.host, endpoint_.port,
              ec.message());
    co_return nullptr;
  }
  co_return Channel::Create(std::move(*socket), endpoint_.max_pdu_len);
}

awaitable<void> SmppClient::ReadLoop(std::shared_ptr<Channel> channel) {
  for (;;) {
    ReadEvent event = co_await channel->Read();
    if (auto* pdu = std::get_if<Pdu>(&event)) {
      session_.OnPdu(std::move(*pdu), clock_.Now());
    } else if (auto* malformed = std::get_if<Malformed>(&event)) {
      log::Warn(kComponent, "{}: malformed {} from the SMSC ({}: {})", name_,
                CommandName(malformed->header.command_id), malformed->field, malformed->reason);
      session_.OnMalformed(malformed->header, malformed->status, clock_.Now());
    } else if (auto* broken = std::get_if<BrokenFraming>(&event)) {
      log::Warn(kComponent, "{}: broken framing from the SMSC ({}), reconnecting", name_, broken->reason);
      co_return;
    } else {
      const auto& closed = std::get<Closed>(event);
      if (closed.error && closed.error != asio::error::operation_aborted) {
        log::Info(kComponent, "{}: connection closed: {}", name_, closed.error.message());
      }
      co_return;
    }
    Rearm();
  }
}

awaitable<void> SmppClient::TickLoop(std::shared_ptr<Channel> channel) {
  while (channel->open()) {
    const TimePoint now = clock_.Now();
    armed_for_ = session_.NextDeadline(now);
    const auto wait = armed_for_ == TimePoint::max()
                          ? std::chrono::hours(1)
                          : std::max<TimePoint::duration>(armed_for_ - now, {});
    tick_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait));
    boost::system::error_code ec;
    co_await tick_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!channel->open()) break;
    session_.OnTick(clock_.Now());
  }
  armed_for_ = TimePoint::max();
}

void SmppClient::Rearm() {
  if (!channel_) return;
  if (session_.NextDeadline(clock_.Now()) < armed_for_) tick_timer_.cancel();
}

// ---------------------------------------------------------------------------------------
// Calls from the layer above

bool SmppClient::Submit(SubmitId id, SubmitSm&& pdu) {
  const bool taken = session_.Submit(id, std::move(pdu), clock_.Now());
  if (taken) Rearm();
  return taken;
}

void SmppClient::AnswerDeliver(DeliverRef ref, uint32_t command_status) {
  session_.AnswerDeliver(ref, command_status);
}

void SmppClient::Stop(Millis drain, std::function<void()> done) {
  on_stopped_ = std::move(done);
  stopping_ = true;
  backoff_timer_.cancel();
  const TimePoint now = clock_.Now();
  session_.Shutdown(now, now + drain);
  Rearm();
  if (!started_) Finish();
}

void SmppClient::Finish() {
  if (finished_) return;
  finished_ = true;
  log::Info(kComponent, "{}: stopped", name_);
  if (on_stopped_) asio::post(executor_, std::move(on_stopped_));
}

// ---------------------------------------------------------------------------------------
// Session callbacks

void SmppClient::Send(const Pdu& pdu) {
  if (channel_) channel_->Send(pdu);
}

void SmppClient::Disconnect(std::string_view reason) {
  log::Info(kComponent, "{}: disconnecting: {}", name_, reason);
  if (channel_) channel_->CloseAfterFlush();
}

void SmppClient::OnBound() {
  failures_ = 0;
  log::Info(kComponent, "{}: bound to {}:{}", name_, endpoint_.host, endpoint_.port);
  handler_.OnBound();
}

void SmppClient::OnUnbound() {
  log::Info(kComponent, "{}: unbound", name_);
  handler_.OnUnbound();
}

void SmppClient::OnBindRefused(uint32_t command_status) {
  bind_refused_ = true;
  ++failures_;
  log::Error(kComponent, "{}: bind refused by {}:{}: {}; check the credentials", name_,
             endpoint_.host, endpoint_.port, DescribeStatus(command_status));
  handler_.OnBindRefused(command_status);
}

void SmppClient::OnSubmitDone(SubmitId id, SubmitOutcome&& outcome) {
  handler_.OnSubmitDone(id, std::move(outcome));
}

void SmppClient::OnDeliverSm(DeliverRef ref, DeliverSm&& pdu) {
  handler_.OnDeliverSm(ref, std::move(pdu));
}

}  // namespace deliverer::smpp::net
