#pragma once
// One producer's SMPP connection as a state machine, the server side of SMPP 3.4
// (docs/smpp-server.md "Sessions"): bind, the window of submits being accepted, the
// window of deliver_sm out, enquire_link, unbind, generic_nack, malformed PDUs, and the
// timers. No I/O and no clock: the connection (server.h) feeds it PDUs and the time and
// carries out what it asks through SessionCallbacks; the fuzz target and the unit tests
// drive it directly.
//
// Thread-compatible: one connection calls it from one executor. Callbacks run
// synchronously inside ServerSession calls and must not call back into it, except the
// answers to OnBind and OnSubmit, which may come at once or later.
//
// What it decides alone, as the codec's carriers do (docs/smpp-mapping.md "Codec contract"):
//   - a malformed but framed request gets generic_nack with the codec's status, and the
//     bind is kept; a malformed response is ignored;
//   - an unknown command gets generic_nack ESME_RINVCMDID;
//   - before a bind, every request but bind, enquire_link and unbind gets ESME_RINVBNDSTS;
//     a second bind gets ESME_RALYBND; a receiver bind's submit gets ESME_RINVBNDSTS;
//   - a submit beyond the window gets ESME_RTHROTTLED (0x58) at once;
//   - unbind gets unbind_resp, then the connection closes once it is written;
//   - a connection not bound within bind_timeout, or silent for idle_timeout, is closed;
//     a deliver_sm unanswered for response_timeout counts as not delivered.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "smpp/codec.h"
#include "smpp/pdu.h"

namespace deliverer::smppd {

enum class BindKind : uint8_t { kTransmitter, kReceiver, kTransceiver };
std::string_view ToString(BindKind kind);

struct BindRequest {
  BindKind kind = BindKind::kTransceiver;
  uint32_t sequence = 0;
  std::string system_id;
  std::string password;  // never logged
};

struct SessionLimits {
  uint32_t window = 32;         // submits being accepted at once
  uint32_t deliver_window = 16;  // deliver_sm out without their answer
  Millis bind_timeout{10'000};
  Millis idle_timeout{120'000};
  Millis response_timeout{10'000};
};

// No answer came for a deliver_sm within response_timeout, or the connection went first.
inline constexpr uint32_t kNoAnswer = 0xFFFFFFFF;

class SessionCallbacks {
 public:
  virtual ~SessionCallbacks() = default;
  virtual void Send(const smpp::Pdu& pdu) = 0;
  // Close once what was sent is written.
  virtual void Close(std::string_view reason) = 0;
  // Answer with ServerSession::AcceptBind or RefuseBind.
  virtual void OnBind(const BindRequest& request) = 0;
  // A submit_sm or data_sm within the window: answer with ServerSession::AnswerSubmit.
  virtual void OnSubmit(uint32_t sequence, smpp::Pdu&& pdu) = 0;
  // The answer to a deliver_sm this session sent (kNoAnswer: none came).
  virtual void OnDeliverAnswer(uint32_t sequence, uint32_t command_status) = 0;
};

enum class SessionState : uint8_t { kOpen, kBinding, kBound, kClosed };

class ServerSession {
 public:
  ServerSession(SessionLimits limits, SessionCallbacks& callbacks);

  void OnConnected(TimePoint now);
  void OnPdu(smpp::Pdu&& pdu, TimePoint now);
  void OnMalformed(const smpp::Malformed& malformed, TimePoint now);
  // Timers; call at NextDeadline() (earlier is harmless).
  void OnTick(TimePoint now);
  TimePoint NextDeadline() const;
  // The connection is gone: deliver_sm still out are answered kNoAnswer.
  void OnDisconnected();

  // The answers to OnBind. A refusal closes the connection once its answer is written.
  void AcceptBind(const BindRequest& request, std::string_view server_system_id);
  void RefuseBind(const BindRequest& request, uint32_t command_status);
  // The answer to OnSubmit; ignored when the connection is closed. `message_id` only with
  // ESME_ROK.
  void AnswerSubmit(uint32_t sequence, uint32_t command_status, std::string_view message_id);

  // A deliver_sm to the producer (a receipt or an MO); false, and nothing sent, unless
  // bound as receiver or transceiver with room in the deliver window.
  bool CanDeliver() const;
  bool Deliver(smpp::DeliverSm&& pdu, TimePoint now, uint32_t* sequence);

  SessionState state() const { return state_; }
  BindKind bind_kind() const { return kind_; }
  bool can_receive() const { return state_ == SessionState::kBound && kind_ != BindKind::kTransmitter; }
  size_t submits_in_flight() const { return submits_.size(); }
  size_t delivers_in_flight() const { return delivers_.size(); }

 private:
  void OnRequest(smpp::Pdu&& pdu);
  void OnBindPdu(BindRequest request);
  void OnSubmitPdu(smpp::Pdu&& pdu);
  void OnResponse(const smpp::Pdu& pdu);
  void Refuse(const smpp::Pdu& pdu, uint32_t status);
  void Close(std::string_view reason);
  uint32_t NextSequence();

  const SessionLimits limits_;
  SessionCallbacks& callbacks_;
  SessionState state_ = SessionState::kOpen;
  BindKind kind_ = BindKind::kTransceiver;
  TimePoint bind_deadline_ = TimePoint::max();
  TimePoint last_received_{};
  uint32_t sequence_ = 0;
  std::map<uint32_t, bool> submits_;          // sequence → data_sm (its answer is data_sm_resp)
  std::map<uint32_t, TimePoint> delivers_;    // sequence → answer deadline
};

}  // namespace deliverer::smppd
