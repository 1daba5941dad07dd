// smpp-blast: drives an SMSC (normally `deliverer sim`) flat out to measure its ceiling.
// N transceiver binds each keep a window of W submit_sm outstanding, answer every
// deliver_sm at once, and count answers over D seconds after all binds are up.
//
//   smpp-blast --port 2775 --binds 4 --window 64 --duration 10
//
// Prints submit_sm_resp/s (and how many were not ESME_ROK) and deliver_sm/s. One thread,
// one io_context; the PDUs it sends are encoded once and only their sequence numbers
// patched, so the blaster costs as little CPU as it can.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smpp/codec.h"
#include "smpp/net/channel.h"
#include "smpp/status.h"

namespace {

namespace asio = boost::asio;
namespace smpp = deliverer::smpp;
using asio::awaitable;
using asio::use_awaitable;
using Tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  int binds = 4;
  int window = 64;
  double duration_s = 10;
  std::string system_id = "blast";
  std::string password = "blast";
  int registered_delivery = 1;
  std::string text = "Your verification code is 123456";
};

struct Counters {
  uint64_t responses = 0;
  uint64_t errors = 0;  // submit_sm_resp other than ESME_ROK
  uint64_t receipts = 0;
};

// A PDU encoded once; Stamp() writes a sequence number into it.
class Template {
 public:
  explicit Template(const smpp::Pdu& pdu) : wire_(smpp::Encode(pdu)) {}
  const std::vector<uint8_t>& Stamp(uint32_t seq) {
    wire_[12] = static_cast<uint8_t>(seq >> 24);
    wire_[13] = static_cast<uint8_t>(seq >> 16);
    wire_[14] = static_cast<uint8_t>(seq >> 8);
    wire_[15] = static_cast<uint8_t>(seq);
    return wire_;
  }

 private:
  std::vector<uint8_t> wire_;
};

smpp::Pdu SubmitPdu(const Options& o) {
  smpp::SubmitSm s;
  s.source_addr_ton = 1;
  s.source_addr_npi = 1;
  s.source_addr = "14155550100";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "442071838750";
  s.registered_delivery = static_cast<uint8_t>(o.registered_delivery);
  s.short_message.assign(o.text.begin(), o.text.end());
  return smpp::MakePdu(std::move(s), 1);
}

class Blaster {
 public:
  Blaster(asio::io_context& io, Options options) : io_(io), o_(std::move(options)) {}

  void Start() {
    for (int i = 0; i < o_.binds; ++i) {
      asio::co_spawn(io_, RunBind(), [this](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            fmt::print(stderr, "bind failed: {}\n", ex.what());
          }
          failed_ = true;
          io_.stop();
        }
      });
    }
  }

  bool failed() const { return failed_; }
  const Counters& window_counts() const { return window_; }

 private:
  awaitable<void> RunBind() {
    Tcp::socket socket(io_);
    co_await socket.async_connect(Tcp::endpoint(asio::ip::make_address(o_.host), o_.port),
                                  use_awaitable);
    auto channel = smpp::net::Channel::Create(std::move(socket), smpp::kDefaultMaxPduLength);
    channels_.push_back(channel);
    smpp::BindTransceiver bind;
    bind.system_id = o_.system_id;
    bind.password = o_.password;
    bind.interface_version = smpp::kInterfaceVersion34;
    channel->Send(smpp::MakePdu(bind, 1));
    auto event = co_await channel->Read();
    auto* resp = std::get_if<smpp::Pdu>(&event);
    if (!resp || resp->header.command_status != 0) throw std::runtime_error("bind refused");
    if (++bound_ == o_.binds) BeginMeasuring();
    co_await Pump(*channel);
  }

  awaitable<void> Pump(smpp::net::Channel& channel) {
    Template submit(SubmitPdu(o_));
    Template ack(smpp::MakePdu(smpp::DeliverSmResp{}, 1));
    uint32_t seq = 1;
    int outstanding = 0;
    auto send_submit = [&] {
      seq = smpp::NextSequenceNumber(seq);
      channel.SendRaw(submit.Stamp(seq));
      ++outstanding;
    };
    for (int i = 0; i < o_.window; ++i) send_submit();
    for (;;) {
      auto event = co_await channel.Read();
      auto* pdu = std::get_if<smpp::Pdu>(&event);
      if (!pdu) {
        if (!std::holds_alternative<smpp::Malformed>(event)) break;
        continue;
      }
      if (std::holds_alternative<smpp::SubmitSmResp>(pdu->body)) {
        --outstanding;
        ++total_.responses;
        total_.errors += pdu->header.command_status != smpp::kEsmeROk;
        if (sending_) send_submit();
      } else if (std::holds_alternative<smpp::DeliverSm>(pdu->body)) {
        ++total_.receipts;
        channel.SendRaw(ack.Stamp(pdu->header.sequence_number));
      } else if (std::holds_alternative<smpp::EnquireLink>(pdu->body)) {
        channel.Send(smpp::MakePdu(smpp::EnquireLinkResp{}, pdu->header.sequence_number));
      }
      if (!sending_ && outstanding == 0) break;
    }
  }

  void BeginMeasuring() {
    start_ = total_;
    started_at_ = Steady::now();
    timer_.expires_after(std::chrono::duration_cast<Steady::duration>(
        std::chrono::duration<double>(o_.duration_s)));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) EndMeasuring();
    });
  }

  void EndMeasuring() {
    const double seconds = std::chrono::duration<double>(Steady::now() - started_at_).count();
    window_ = Counters{total_.responses - start_.responses, total_.errors - start_.errors,
                       total_.receipts - start_.receipts};
    seconds_ = seconds;
    sending_ = false;
    fmt::print("binds={} window={} duration={:.1f}s registered_delivery={}\n", o_.binds, o_.window,
               seconds, o_.registered_delivery);
    fmt::print("submits/s:  {:.0f}  ({} answers, {} not ESME_ROK)\n", window_.responses / seconds,
               window_.responses, window_.errors);
    fmt::print("receipts/s: {:.0f}  ({} deliver_sm)\n", window_.receipts / seconds,
               window_.receipts);
    // Let the windows drain, then close whatever is left.
    timer_.expires_after(std::chrono::seconds(2));
    timer_.async_wait([this](const boost::system::error_code&) {
      for (auto& channel : channels_) channel->Close();
    });
  }

  asio::io_context& io_;
  const Options o_;
  asio::steady_timer timer_{io_};
  std::vector<std::shared_ptr<smpp::net::Channel>> channels_;
  Counters total_, start_, window_;
  Steady::time_point started_at_{};
  double seconds_ = 0;
  int bound_ = 0;
  bool sending_ = true;
  bool failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"smpp-blast: submit_sm flat out against an SMSC, answering every receipt"};
  app.add_option("--host", o.host, "SMSC address")->default_val(o.host);
  app.add_option("--port", o.port, "SMSC port")->default_val(o.port);
  app.add_option("--binds", o.binds, "Transceiver binds")->default_val(o.binds)->check(CLI::Range(1, 1000));
  app.add_option("--window", o.window, "Outstanding submit_sm per bind")
      ->default_val(o.window)
      ->check(CLI::Range(1, 100000));
  app.add_option("--duration", o.duration_s, "Seconds measured once every bind is up")
      ->default_val(o.duration_s);
  app.add_option("--system-id", o.system_id, "Bind system_id")->default_val(o.system_id);
  app.add_option("--password", o.password, "Bind password")->default_val(o.password);
  app.add_option("--registered-delivery", o.registered_delivery, "0: no receipts; 1: receipts")
      ->default_val(o.registered_delivery)
      ->check(CLI::Range(0, 1));
  CLI11_PARSE(app, argc, argv);

  asio::io_context io(1);
  Blaster blaster(io, o);
  blaster.Start();
  io.run();
  return blaster.failed() ? 1 : 0;
}
