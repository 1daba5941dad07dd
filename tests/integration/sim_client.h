#pragma once
// A raw SMPP 3.4 client for the simulator's integration tests: smpp::net::Channel and the
// codec over a real socket, driven on the calling thread (its own io_context runs only
// inside these calls). Every wait has a deadline and returns what arrived, so tests assert
// on events, never on elapsed time.
//
// Not thread-safe: one test thread.
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smpp/net/channel.h"
#include "smpp/pdu.h"

namespace deliverer::integration {

class SmppClient {
 public:
  static constexpr std::chrono::seconds kWait{15};

  // Connects to 127.0.0.1:port; throws std::runtime_error when it cannot.
  explicit SmppClient(uint16_t port);
  ~SmppClient();
  SmppClient(const SmppClient&) = delete;
  SmppClient& operator=(const SmppClient&) = delete;

  // Sends with the next sequence number (returned) and waits until it is written.
  uint32_t Send(smpp::Body body, uint32_t command_status = 0);
  // Sends as it is (its own sequence number).
  void SendPdu(const smpp::Pdu& pdu);
  void SendRaw(const std::vector<uint8_t>& bytes);

  // The next event; nullopt when none arrived within `wait`.
  std::optional<smpp::net::ReadEvent> Next(std::chrono::milliseconds wait = kWait);
  // The next PDU; nullopt when the connection closed, broke or stayed silent.
  std::optional<smpp::Pdu> NextPdu(std::chrono::milliseconds wait = kWait);
  // True when the peer closed the connection (after any PDUs still in flight).
  bool WaitClosed(std::chrono::milliseconds wait = kWait);

  // bind_transceiver / _transmitter / _receiver; the response's command_status, or
  // 0xFFFFFFFF when no response came.
  uint32_t BindTransceiver(const std::string& system_id = "test", const std::string& password = "pw");
  uint32_t BindTransmitter(const std::string& system_id = "test", const std::string& password = "pw");
  uint32_t BindReceiver(const std::string& system_id = "test", const std::string& password = "pw");

  // Answers a deliver_sm with deliver_sm_resp carrying `status`.
  void AnswerDeliver(const smpp::Pdu& deliver_sm, uint32_t status = 0);

 private:
  uint32_t Bind(smpp::Body body);
  // Runs the io_context until `done()` or the deadline.
  template <class Done>
  void RunUntil(Done done, std::chrono::milliseconds wait);

  boost::asio::io_context io_;
  std::shared_ptr<smpp::net::Channel> channel_;
  std::deque<smpp::net::ReadEvent> events_;
  bool reading_ = false;
  uint32_t seq_ = 0;
};

// A submit_sm from +14155550100 to +442071838750 with GSM-7 `text` (unpacked septets).
smpp::SubmitSm MakeSubmit(const std::string& text, uint8_t registered_delivery = 1);

// The next PDU, which must be a `Body` (answering `seq` when seq != 0); a test failure
// and nullopt otherwise.
template <class Body>
std::optional<smpp::Pdu> Expect(SmppClient& client, uint32_t seq = 0) {
  auto pdu = client.NextPdu();
  if (!pdu) {
    ADD_FAILURE() << "expected " << Body::kName << ", got nothing";
    return std::nullopt;
  }
  if (!std::holds_alternative<Body>(pdu->body)) {
    ADD_FAILURE() << "expected " << Body::kName << ", got " << smpp::CommandName(pdu->command_id());
    return std::nullopt;
  }
  if (seq != 0) {
    EXPECT_EQ(pdu->header.sequence_number, seq);
  }
  return pdu;
}

inline const smpp::SubmitSmResp& SubmitResp(const smpp::Pdu& pdu) {
  return std::get<smpp::SubmitSmResp>(pdu.body);
}
inline const smpp::DeliverSm& Deliver(const smpp::Pdu& pdu) {
  return std::get<smpp::DeliverSm>(pdu.body);
}

}  // namespace deliverer::integration
