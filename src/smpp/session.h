#pragma once
// The SMPP client session as a state machine: bind, sequence numbers, the window of
// outstanding submit_sm, response timeouts, enquire_link, peer unbind, throttling and a
// clean unbind (the top SMPP layer, docs/smpp-mapping.md "The session"). It does no I/O and
// reads no clock: a driver (smpp/net/client.h) feeds it connection events, PDUs and the
// time, and carries out what it asks through SessionTransport. Tests drive it with a fake
// time.
//
// Thread-compatible: one driver calls it from one executor. Callbacks (SessionTransport,
// SessionHandler) run synchronously inside Session calls; they must not call back into
// the same Session, except SessionHandler::OnSubmitDone / OnDeliverSm, which may call
// Submit / AnswerDeliver on it (the session is consistent before it calls them).
//
// Every submit the session accepted (Submit returned true) gets exactly one
// OnSubmitDone, whatever happens to the connection.
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "smpp/pdu.h"
#include "common/adaptive_rate.h"
#include "smpp/status.h"

namespace deliverer::smpp {

enum class BindMode : uint8_t { kTransceiver, kTransmitter, kReceiver };
std::string_view ToString(BindMode mode);

struct SessionConfig {
  BindMode bind_mode = BindMode::kTransceiver;
  std::string system_id;
  std::string password;
  std::string system_type;
  uint8_t addr_ton = 0;
  uint8_t addr_npi = 0;
  std::string address_range;
  uint32_t window = 64;                  // outstanding submit_sm at most
  Millis response_timeout{10'000};       // submit_sm, enquire_link
  Millis enquire_link_interval{30'000};  // after this long without a PDU from the peer
  Millis bind_timeout{10'000};
  Millis unbind_timeout{5'000};
  // A submit throttled (0x58/0x14) this many times is handed back as kTransient.
  uint32_t max_throttle_requeues = 50;
  StatusPolicy status_policy;
};

// What became of one submit.
enum class SubmitResult : uint8_t {
  kAccepted,   // submit_sm_resp ESME_ROK; message_id is the carrier's id
  kPermanent,  // an error the status table calls permanent: do not resend
  kTransient,  // an error the status table calls transient (or throttled too often)
  kUnknown,    // written, but no answer came (timeout, link lost): the carrier may have it
  kNotSent,    // never written (the link went down or the session stopped first)
};
std::string_view ToString(SubmitResult result);

struct SubmitOutcome {
  SubmitResult result = SubmitResult::kNotSent;
  uint32_t command_status = 0;  // the carrier's answer, when there was one
  std::string message_id;       // kAccepted only
  uint32_t throttled = 0;       // times this submit was answered 0x58/0x14 and requeued
};

using SubmitId = uint64_t;

// Identifies a received deliver_sm for the answer; stale after the connection is gone.
struct DeliverRef {
  uint64_t connection = 0;
  uint32_t sequence_number = 0;
};

// The driver's side: write PDUs, and drop the connection.
class SessionTransport {
 public:
  virtual ~SessionTransport() = default;
  virtual void Send(const Pdu& pdu) = 0;
  // Close the connection once what was sent is written; the driver then calls
  // Session::OnDisconnected.
  virtual void Disconnect(std::string_view reason) = 0;
};

// The layer above (the carrier connector).
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  virtual void OnBound() {}
  // A bound session lost its connection (for whatever reason).
  virtual void OnUnbound() {}
  // The bind was refused with this status (bad credentials, ...): alert an operator.
  virtual void OnBindRefused(uint32_t /*command_status*/) {}
  virtual void OnSubmitDone(SubmitId id, SubmitOutcome&& outcome) = 0;
  // A receipt or MO arrived. The handler MUST answer it with Session::AnswerDeliver
  // (ESME_ROK once recorded durably, ESME_RX_T_APPN when it could not be recorded).
  virtual void OnDeliverSm(DeliverRef ref, DeliverSm&& pdu) = 0;
};

enum class SessionState : uint8_t {
  kDisconnected,  // no connection
  kBinding,       // bind sent, waiting for its answer
  kBound,         // submits flow
  kDraining,      // a response timed out: no new submits; rebind once the window is empty
  kClosing,       // shutting down: no new submits; unbind once the window is empty
  kUnbinding,     // unbind sent (by us), waiting for unbind_resp
  kStopped,       // unbound for good; the driver must not reconnect
};
std::string_view ToString(SessionState state);

class Session {
 public:
  Session(SessionConfig config, SessionTransport& transport, SessionHandler& handler,
          AdaptiveRate& rate);

  // Connection events from the driver.
  void OnConnected(TimePoint now);
  void OnPdu(Pdu&& pdu, TimePoint now);
  // A framed PDU the codec could not decode (codec.h Malformed).
  void OnMalformed(const Header& header, uint32_t status, TimePoint now);
  // The connection is gone (whoever closed it): written submits end kUnknown, queued
  // ones kNotSent.
  void OnDisconnected(TimePoint now);
  // Timers: call at NextDeadline() (earlier is harmless).
  void OnTick(TimePoint now);
  TimePoint NextDeadline(TimePoint now);

  // Queues a submit_sm (its sequence number is assigned here). False, and no callback,
  // when the session cannot take it now (not bound, a receiver bind, closing); the
  // caller sends it elsewhere or later.
  bool Submit(SubmitId id, SubmitSm&& pdu, TimePoint now);
  bool CanSubmit() const;
  // Answers a deliver_sm; ignored when its connection is gone (the carrier resends).
  void AnswerDeliver(DeliverRef ref, uint32_t command_status);

  // Stops taking submits, waits for the window to empty until `drain_deadline`, then
  // unbinds. The state ends kStopped once the connection is gone.
  void Shutdown(TimePoint now, TimePoint drain_deadline);

  SessionState state() const { return state_; }
  size_t outstanding() const { return outstanding_.size(); }
  size_t queued() const { return queue_.size(); }
  uint64_t connection() const { return connection_; }

 private:
  struct Pending {
    SubmitId id = 0;
    SubmitSm pdu;
    uint32_t throttled = 0;
  };
  struct InFlight {
    Pending pending;
    TimePoint deadline;
  };

  void SendBind();
  void OnBindResp(uint32_t status);
  void OnSubmitResp(uint32_t sequence_number, uint32_t status, std::string message_id, TimePoint now);
  void OnRequest(Pdu&& pdu, TimePoint now);
  void Pump(TimePoint now);
  void ExpireOutstanding(TimePoint now);
  void CheckLink(TimePoint now);
  void MaybeFinishDrain(TimePoint now);
  void SendUnbind(TimePoint now);
  void Complete(Pending&& pending, SubmitOutcome&& outcome);
  void FailQueued();
  void Disconnect(std::string_view reason);
  uint32_t NextSequence();

  const SessionConfig config_;
  SessionTransport& transport_;
  SessionHandler& handler_;
  AdaptiveRate& rate_;

  SessionState state_ = SessionState::kDisconnected;
  bool stop_requested_ = false;
  bool disconnect_requested_ = false;
  uint64_t connection_ = 0;
  uint32_t sequence_ = 0;
  uint32_t bind_sequence_ = 0;
  TimePoint state_deadline_ = TimePoint::max();  // bind, unbind or drain deadline
  TimePoint last_received_{};
  uint32_t enquire_sequence_ = 0;  // 0 = none outstanding
  TimePoint enquire_deadline_ = TimePoint::max();

  std::deque<Pending> queue_;
  std::unordered_map<uint32_t, InFlight> outstanding_;
  // Sequence numbers in send order; responses mostly come in order, so the oldest
  // deadline is at the front (entries already answered are skipped lazily).
  std::deque<uint32_t> deadline_order_;
};

}  // namespace deliverer::smpp
