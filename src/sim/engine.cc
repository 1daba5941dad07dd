#include "sim/engine.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

#include "common/log.h"
#include "sim/listen.h"
#include "tls/server_context.h"
#include "smpp/codec.h"
#include "common/unhandled.h"

namespace deliverer::sim {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

uint64_t SeedOf(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

Result<std::unique_ptr<asio::ssl::context>> MakeSmppTlsContext(const SimOptions& options) {
  auto context = tls::MakeServerContext(options.smpp_tls_cert_file, options.smpp_tls_key_file);
  if (!context.ok()) {
    return Error::Of("invalid_config", "cannot load the SMPP TLS certificate or key: " + context.error().detail);
  }
  return context;
}

}  // namespace

Engine::Engine(asio::io_context& io, SimOptions options)
    : io_(io),
      options_(std::move(options)),
      config_(options_.config),
      clock_(options_.clock ? options_.clock : &system_clock_),
      rng_(SeedOf(options_.seed)),
      scheduler_(io),
      desk_(links_, scheduler_, stats_, config_),
      dlr_poster_(io),
      inbound_poster_(io),
      http_desk_(dlr_poster_, scheduler_, stats_, config_),
      control_(io, "control", [this](const HttpRequest& r) { return HandleControl(r); }),
      carrier_(io, "http", [this](const HttpRequest& r) { return HandleCarrier(r); }),
      acceptor_(io) {
  bucket_.SetRate(config_.submit.max_tps);
  scheduler_.SetHandler(Due::kTick, [this](uint64_t, uint32_t) { OnTick(); });
  scheduler_.SetHandler(Due::kSubmitResp, [this](uint64_t id, uint32_t) { OnDelayedAnswer(id); });
}

Engine::~Engine() { Stop(); }

Result<Ports> Engine::Start() {
  if (!options_.record_path.empty()) {
    if (Status s = record_.Open(options_.record_path); !s.ok()) return s.error();
  }
  if (!options_.smpp_tls_cert_file.empty() || !options_.smpp_tls_key_file.empty()) {
    auto tls = MakeSmppTlsContext(options_);
    if (!tls.ok()) return tls.error();
    smpp_tls_ = std::move(*tls);
  }
  auto smpp = Listen(acceptor_, options_.host, options_.smpp_port);
  if (!smpp.ok()) return smpp.error();
  auto control = control_.Listen(options_.host, options_.control_port);
  if (!control.ok()) return control.error();
  uint16_t http_port = 0;
  if (options_.http_port) {
    auto http = carrier_.Listen(options_.host, *options_.http_port);
    if (!http.ok()) return http.error();
    http_port = http->port();
  }
  started_at_ = Steady::now();
  next_carrier_id_ = options_.first_carrier_id != 0
                         ? options_.first_carrier_id
                         : static_cast<uint64_t>(NowMs() / 1000) << 24;
  started_ = true;
  asio::co_spawn(io_, [self = shared_from_this()] { return self->AcceptLoop(); }, LogUnhandled("sim"));
  control_.Start(shared_from_this());
  if (options_.http_port) carrier_.Start(shared_from_this());
  dlr_poster_.Start(weak_from_this());
  inbound_poster_.Start(weak_from_this());
  ApplyHttpConfig();
  scheduler_.AddAfter(kTickInterval, Due::kTick, 0);
  return Ports{smpp->port(), control->port(), http_port};
}

void Engine::Stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  control_.Close();
  carrier_.Close();
  dlr_poster_.Close();
  inbound_poster_.Close();
  http_desk_.Clear();
  scheduler_.Stop();
  for (const auto& link : links_.Snapshot()) {
    link->closing = true;
    link->channel->Close();
  }
  delayed_.clear();
  record_.Close();
}

Result<SimConfig> Engine::PatchConfig(const nlohmann::json& patch) {
  auto merged = MergeConfig(config_, patch);
  if (!merged.ok()) return merged.error();
  config_ = *merged;
  bucket_.SetRate(config_.submit.max_tps);
  ApplyHttpConfig();
  log::Info("sim", "config changed");
  return config_;
}

Stats Engine::StatsNow() {
  record_.Flush();
  return stats_;
}

awaitable<void> Engine::AcceptLoop() {
  while (!stopped_) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(io_.get_executor(), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (stopped_ || ec == asio::error::operation_aborted) break;
      log::Warn("sim", "smpp accept failed: {}", ec.message());
      continue;
    }
    if (smpp_tls_) {
      asio::co_spawn(
          io_, [self = shared_from_this(), s = std::move(socket)]() mutable { return self->ServeTls(std::move(s)); },
          LogUnhandled("sim"));
      continue;
    }
    auto channel = smpp::net::Channel::Create(std::move(socket), smpp::kDefaultMaxPduLength);
    std::shared_ptr<Link> link = links_.Add(std::move(channel));
    asio::co_spawn(io_, [self = shared_from_this(), link] { return self->Serve(link); },
                   LogUnhandled("sim"));
  }
}

awaitable<void> Engine::ServeTls(tcp::socket socket) {
  auto stream = std::make_unique<smpp::net::TlsStream>(std::move(socket), *smpp_tls_);
  boost::system::error_code ec;
  co_await stream->async_handshake(asio::ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    // What an operator sees when a gateway does not trust this SMSC's certificate.
    log::Warn("sim", "smpp TLS handshake failed: {}", ec.message());
    co_return;
  }
  auto channel = smpp::net::Channel::Create(std::move(stream), smpp::kDefaultMaxPduLength);
  co_await Serve(links_.Add(std::move(channel)));
}

awaitable<void> Engine::Serve(std::shared_ptr<Link> link) {
  for (;;) {
    smpp::net::ReadEvent event = co_await link->channel->Read();
    if (auto* pdu = std::get_if<smpp::Pdu>(&event)) {
      if (!link->closing) OnPdu(*link, std::move(*pdu));
    } else if (auto* malformed = std::get_if<smpp::Malformed>(&event)) {
      if (!link->closing) OnMalformed(*link, *malformed);
    } else {
      if (auto* broken = std::get_if<smpp::BrokenFraming>(&event)) {
        ++stats_.malformed;
        ++stats_.disconnects;
        log::Warn("sim", "bind {}: broken framing ({}); connection dropped", link->id,
                  broken->reason);
      }
      break;
    }
  }
  OnLinkClosed(*link);
}

void Engine::OnLinkClosed(Link& link) {
  link.closing = true;
  desk_.OnLinkClosing(link);
  links_.Remove(link.id);
}

void Engine::Disconnect(Link& link, bool cut) {
  if (link.closing) return;
  link.closing = true;
  ++stats_.disconnects;
  if (!cut) {
    link.channel->Close();
    return;
  }
  const std::vector<uint8_t> wire =
      smpp::Encode(smpp::MakePdu(smpp::EnquireLink{}, link.NextSeq()));
  link.channel->SendRaw(std::span<const uint8_t>(wire).first(wire.size() / 2));
  link.channel->CloseAfterFlush();
}

double Engine::SecondsSinceStart() const {
  return std::chrono::duration<double>(Steady::now() - started_at_).count();
}

void Engine::OnTick() {
  if (record_.dirty()) record_.Flush();
  const FaultsConfig& faults = config_.faults;
  const bool outage = InOutage(faults, SecondsSinceStart());
  if (outage && !in_outage_) {
    log::Warn("sim", "outage begins: dropping {} connections, refusing binds",
              links_.size() + carrier_.connections());
    links_.ForEach([&](Link& link) { Disconnect(link, faults.cut_pdu); });
    stats_.disconnects += carrier_.DropConnections();
  } else if (!outage && in_outage_) {
    log::Info("sim", "outage ends");
  }
  in_outage_ = outage;
  if (faults.disconnect_every_s > 0) {
    const auto max_age = std::chrono::duration<double>(faults.disconnect_every_s);
    const Steady::time_point now = Steady::now();
    links_.ForEach([&](Link& link) {
      if (link.bind != BindKind::kNone && now - link.bound_at >= max_age) {
        Disconnect(link, faults.cut_pdu);
      }
    });
  }
  scheduler_.AddAfter(kTickInterval, Due::kTick, 0);
}

}  // namespace deliverer::sim
