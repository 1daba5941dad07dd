#include "integration/sim_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>

#include <stdexcept>

#include "smpp/codec.h"
#include "text/text.h"

namespace deliverer::integration {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;

SmppClient::SmppClient(uint16_t port) {
  Tcp::socket socket(io_);
  boost::system::error_code ec;
  socket.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) throw std::runtime_error("cannot connect to the simulator: " + ec.message());
  channel_ = smpp::net::Channel::Create(std::move(socket), smpp::kDefaultMaxPduLength);
}

SmppClient::~SmppClient() {
  channel_->Close();
  io_.restart();
  io_.poll();
}

template <class Done>
void SmppClient::RunUntil(Done done, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  io_.restart();
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io_.run_one_until(deadline) == 0 && io_.stopped()) break;
  }
}

void SmppClient::SendPdu(const smpp::Pdu& pdu) {
  channel_->Send(pdu);
  RunUntil([&] { return !channel_->open() || channel_->pending_bytes() == 0; }, kWait);
}

uint32_t SmppClient::Send(smpp::Body body, uint32_t command_status) {
  seq_ = smpp::NextSequenceNumber(seq_);
  SendPdu(smpp::MakePdu(std::move(body), seq_, command_status));
  return seq_;
}

void SmppClient::SendRaw(const std::vector<uint8_t>& bytes) {
  channel_->SendRaw(bytes);
  RunUntil([&] { return !channel_->open() || channel_->pending_bytes() == 0; }, kWait);
}

std::optional<smpp::net::ReadEvent> SmppClient::Next(std::chrono::milliseconds wait) {
  if (events_.empty() && !reading_) {
    reading_ = true;
    asio::co_spawn(
        io_,
        [this]() -> asio::awaitable<void> {
          events_.push_back(co_await channel_->Read());
          reading_ = false;
        },
        asio::detached);
  }
  RunUntil([&] { return !events_.empty(); }, wait);
  if (events_.empty()) return std::nullopt;
  smpp::net::ReadEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<smpp::Pdu> SmppClient::NextPdu(std::chrono::milliseconds wait) {
  auto event = Next(wait);
  if (!event) return std::nullopt;
  if (auto* pdu = std::get_if<smpp::Pdu>(&*event)) return std::move(*pdu);
  return std::nullopt;
}

bool SmppClient::WaitClosed(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto event = Next(left);
    if (!event) return false;
    if (std::holds_alternative<smpp::net::Closed>(*event)) return true;
  }
}

uint32_t SmppClient::Bind(smpp::Body body) {
  const uint32_t seq = Send(std::move(body));
  auto response = NextPdu();
  if (!response || response->header.sequence_number != seq) return 0xFFFFFFFFu;
  return response->header.command_status;
}

uint32_t SmppClient::BindTransceiver(const std::string& system_id, const std::string& password) {
  smpp::BindTransceiver bind;
  bind.system_id = system_id;
  bind.password = password;
  bind.interface_version = smpp::kInterfaceVersion34;
  return Bind(bind);
}

uint32_t SmppClient::BindTransmitter(const std::string& system_id, const std::string& password) {
  smpp::BindTransmitter bind;
  bind.system_id = system_id;
  bind.password = password;
  bind.interface_version = smpp::kInterfaceVersion34;
  return Bind(bind);
}

uint32_t SmppClient::BindReceiver(const std::string& system_id, const std::string& password) {
  smpp::BindReceiver bind;
  bind.system_id = system_id;
  bind.password = password;
  bind.interface_version = smpp::kInterfaceVersion34;
  return Bind(bind);
}

void SmppClient::AnswerDeliver(const smpp::Pdu& deliver_sm, uint32_t status) {
  SendPdu(smpp::MakePdu(smpp::DeliverSmResp{}, deliver_sm.header.sequence_number, status));
}

smpp::SubmitSm MakeSubmit(const std::string& text, uint8_t registered_delivery) {
  smpp::SubmitSm s;
  s.source_addr_ton = 1;
  s.source_addr_npi = 1;
  s.source_addr = "14155550100";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "442071838750";
  s.registered_delivery = registered_delivery;
  s.validity_period = "000001000000000R";
  auto encoded = text::Encode(text, 0);
  if (encoded.ok() && !encoded->segments.empty()) s.short_message = encoded->segments[0].payload;
  return s;
}

}  // namespace deliverer::integration
