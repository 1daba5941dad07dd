#include "smppd/net/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "common/unhandled.h"
#include "sim/listen.h"
#include "smpp/status.h"
#include "smppd/net/core.h"

namespace deliverer::smppd::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

ServerOptions ServerOptions::From(const config::SmppServerConfig& c) {
  ServerOptions o;
  o.host = c.listen_host;
  o.port = c.listen_port;
  o.max_connections = static_cast<size_t>(c.max_connections);
  o.max_binds_per_system_id = static_cast<size_t>(c.max_binds_per_system_id);
  o.session.window = static_cast<uint32_t>(c.window);
  o.session.deliver_window = static_cast<uint32_t>(c.deliver_window);
  o.session.bind_timeout = Millis(int64_t{c.bind_timeout_s} * 1000);
  o.session.idle_timeout = Millis(int64_t{c.idle_timeout_s} * 1000);
  o.max_pending_parts = c.max_pending_parts;
  o.parts_timeout = Millis(int64_t{c.parts_timeout_s} * 1000);
  o.max_queued_deliveries = static_cast<size_t>(c.max_queued_deliveries);
  o.delivery_retention = Millis(int64_t{c.delivery_retention_h} * 3'600'000);
  return o;
}

Server::Server(asio::io_context& io, ServerOptions options, ServerDeps deps, asio::ssl::context* tls)
    : core_(std::make_shared<Core>(io, std::move(options), std::move(deps), tls)) {}

Server::~Server() { core_->Stop(); }

Result<tcp::endpoint> Server::Listen() { return core_->Listen(); }
Status Server::Start() { return core_->Start(); }
void Server::Stop() { core_->Stop(); }

Core::Core(asio::io_context& io, ServerOptions options, ServerDeps deps, asio::ssl::context* tls)
    : io_(io),
      options_(std::move(options)),
      deps_(deps),
      tls_(tls),
      acceptor_(io),
      poll_timer_(io),
      sweep_timer_(io) {}

Result<tcp::endpoint> Core::Listen() { return sim::Listen(acceptor_, options_.host, options_.port); }

Status Core::Start() {
  if (Status s = LoadPartSets(); !s.ok()) return s;
  started_ = true;
  asio::co_spawn(io_, [self = shared_from_this()] { return self->AcceptLoop(); }, LogUnhandled("smppd"));
  SchedulePoll();
  ScheduleSweep();
  UpdateGauges();
  return Status::Ok();
}

void Core::Stop() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  poll_timer_.cancel();
  sweep_timer_.cancel();
  for (auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) connection->CloseNow();
  }
}

awaitable<void> Core::AcceptLoop() {
  while (!stopping_) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(io_.get_executor(), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      log::Warn(kComponent, "accept failed: {}", ec.message());
      continue;
    }
    if (connections_.size() >= options_.max_connections) {
      // Closed at once: a producer reconnects with its backoff, and sees the cause in the log
      // and the metric here.
      deps_.metrics.Counter("deliverer_smpp_server_connections_refused_total",
                            "SMPP producer connections closed at once", {{"reason", "max_connections"}}).Inc();
      socket.close(ec);
      continue;
    }
    if (tls_ != nullptr) {
      asio::co_spawn(io_, [self = shared_from_this(), s = std::move(socket)]() mutable { return self->ServeTls(std::move(s)); },
                     LogUnhandled("smppd"));
      continue;
    }
    Serve(smpp::net::Channel::Create(std::move(socket), smpp::kDefaultMaxPduLength));
  }
}

awaitable<void> Core::ServeTls(tcp::socket socket) {
  auto stream = std::make_unique<smpp::net::TlsStream>(std::move(socket), *tls_);
  boost::system::error_code ec;
  co_await stream->async_handshake(asio::ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    log::Warn(kComponent, "TLS handshake failed: {}", ec.message());
    co_return;
  }
  Serve(smpp::net::Channel::Create(std::move(stream), smpp::kDefaultMaxPduLength));
}

void Core::Serve(std::shared_ptr<smpp::net::Channel> channel) {
  const uint64_t id = next_connection_id_++;
  auto connection = std::make_shared<Connection>(shared_from_this(), id, channel);
  connections_[id] = connection;
  UpdateGauges();
  // An exception ends this connection only (common/unhandled.h).
  asio::co_spawn(io_, [connection] { return connection->Run(); },
                 LogUnhandled("smppd", [self = shared_from_this(), channel, id] {
                   channel->Close();
                   self->OnClosed(id);
                 }));
}

void Core::OnClosed(uint64_t id) {
  connections_.erase(id);
  UpdateGauges();
}

size_t Core::BindsOf(const std::string& system_id) const {
  size_t binds = 0;
  for (const auto& [id, weak] : connections_) {
    auto connection = weak.lock();
    if (connection && connection->session().state() == SessionState::kBound &&
        connection->identity().system_id == system_id) {
      ++binds;
    }
  }
  return binds;
}

void Core::OnBound(const Connection& connection) {
  UpdateGauges();
  // Receipts and MOs queued while it was away go out now rather than at the next poll.
  if (connection.session().can_receive()) {
    const int64_t now = deps_.clock.NowUnixMillis();
    PollSystemId(connection.identity().system_id, now);
    PollAccountInbound(connection.identity().account, now);
  }
}

void Core::UpdateGauges() {
  std::map<std::string, double> binds = {{"transmitter", 0}, {"receiver", 0}, {"transceiver", 0}};
  for (const auto& [id, weak] : connections_) {
    auto connection = weak.lock();
    if (connection && connection->session().state() == SessionState::kBound) {
      binds[std::string(ToString(connection->session().bind_kind()))] += 1;
    }
  }
  deps_.metrics.Gauge("deliverer_smpp_server_connections", "SMPP producer connections open")
      .Set(static_cast<double>(connections_.size()));
  for (const auto& [kind, count] : binds) {
    deps_.metrics.Gauge("deliverer_smpp_server_binds", "SMPP producer binds, by kind", {{"kind", kind}}).Set(count);
  }
  deps_.metrics.Gauge("deliverer_smpp_server_part_sets", "Long messages from SMPP producers waiting for parts")
      .Set(static_cast<double>(part_sets_.size()));
}

void Core::CountSubmit(uint32_t command_status) {
  std::string name(smpp::StatusName(command_status));
  if (name.empty()) name = smpp::FormatStatus(command_status);
  deps_.metrics.Counter("deliverer_smpp_server_submits_total", "SMPP producer submits answered, by command_status",
                        {{"status", name}}).Inc();
}

void Core::CountBindRefused(std::string_view reason) {
  deps_.metrics.Counter("deliverer_smpp_server_binds_refused_total", "SMPP producer binds refused, by reason",
                        {{"reason", std::string(reason)}}).Inc();
}

}  // namespace deliverer::smppd::net
