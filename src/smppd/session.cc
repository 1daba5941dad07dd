#include "smppd/session.h"

#include <algorithm>

#include "smpp/status.h"

namespace deliverer::smppd {
namespace {

template <class Resp>
smpp::Pdu BindAnswer(uint32_t sequence, uint32_t status, std::string_view system_id) {
  Resp resp;
  if (status == smpp::kEsmeROk) {
    resp.system_id = std::string(system_id);
    smpp::AddScInterfaceVersion(resp.tlvs, smpp::kInterfaceVersion34);
  }
  return smpp::MakePdu(std::move(resp), sequence, status);
}

smpp::Pdu BindAnswerFor(const BindRequest& request, uint32_t status, std::string_view system_id) {
  switch (request.kind) {
    case BindKind::kTransmitter:
      return BindAnswer<smpp::BindTransmitterResp>(request.sequence, status, system_id);
    case BindKind::kReceiver:
      return BindAnswer<smpp::BindReceiverResp>(request.sequence, status, system_id);
    case BindKind::kTransceiver:
      break;
  }
  return BindAnswer<smpp::BindTransceiverResp>(request.sequence, status, system_id);
}

// A request's own response with `status`, or generic_nack for a command that has none we
// could name.
smpp::Pdu ResponseTo(const smpp::Pdu& pdu, uint32_t status) {
  const uint32_t seq = pdu.header.sequence_number;
  if (std::holds_alternative<smpp::SubmitSm>(pdu.body)) return smpp::MakePdu(smpp::SubmitSmResp{}, seq, status);
  if (std::holds_alternative<smpp::DataSm>(pdu.body)) return smpp::MakePdu(smpp::DataSmResp{}, seq, status);
  if (std::holds_alternative<smpp::DeliverSm>(pdu.body)) return smpp::MakePdu(smpp::DeliverSmResp{}, seq, status);
  if (std::holds_alternative<smpp::BindTransmitter>(pdu.body)) {
    return smpp::MakePdu(smpp::BindTransmitterResp{}, seq, status);
  }
  if (std::holds_alternative<smpp::BindReceiver>(pdu.body)) return smpp::MakePdu(smpp::BindReceiverResp{}, seq, status);
  if (std::holds_alternative<smpp::BindTransceiver>(pdu.body)) {
    return smpp::MakePdu(smpp::BindTransceiverResp{}, seq, status);
  }
  return smpp::MakeGenericNack(seq, status);
}

template <class Bind>
BindRequest RequestOf(const Bind& bind, BindKind kind, uint32_t sequence) {
  return BindRequest{kind, sequence, bind.system_id, bind.password};
}

}  // namespace

std::string_view ToString(BindKind kind) {
  switch (kind) {
    case BindKind::kTransmitter: return "transmitter";
    case BindKind::kReceiver: return "receiver";
    case BindKind::kTransceiver: return "transceiver";
  }
  return "transceiver";
}

ServerSession::ServerSession(SessionLimits limits, SessionCallbacks& callbacks)
    : limits_(limits), callbacks_(callbacks) {}

void ServerSession::OnConnected(TimePoint now) {
  last_received_ = now;
  bind_deadline_ = now + limits_.bind_timeout;
}

void ServerSession::OnPdu(smpp::Pdu&& pdu, TimePoint now) {
  if (state_ == SessionState::kClosed) return;
  last_received_ = now;
  if (smpp::IsResponse(pdu.header.command_id)) {
    OnResponse(pdu);
    return;
  }
  OnRequest(std::move(pdu));
}

void ServerSession::OnMalformed(const smpp::Malformed& malformed, TimePoint now) {
  if (state_ == SessionState::kClosed) return;
  last_received_ = now;
  if (smpp::IsResponse(malformed.header.command_id)) return;
  callbacks_.Send(smpp::MakeGenericNack(malformed.header.sequence_number, malformed.status));
}

void ServerSession::OnRequest(smpp::Pdu&& pdu) {
  const uint32_t seq = pdu.header.sequence_number;
  auto& body = pdu.body;
  if (std::holds_alternative<smpp::EnquireLink>(body)) {
    callbacks_.Send(smpp::MakePdu(smpp::EnquireLinkResp{}, seq));
  } else if (std::holds_alternative<smpp::Unbind>(body)) {
    callbacks_.Send(smpp::MakePdu(smpp::UnbindResp{}, seq));
    Close("unbind");
  } else if (auto* b = std::get_if<smpp::BindTransmitter>(&body)) {
    OnBindPdu(RequestOf(*b, BindKind::kTransmitter, seq));
  } else if (auto* b = std::get_if<smpp::BindReceiver>(&body)) {
    OnBindPdu(RequestOf(*b, BindKind::kReceiver, seq));
  } else if (auto* b = std::get_if<smpp::BindTransceiver>(&body)) {
    OnBindPdu(RequestOf(*b, BindKind::kTransceiver, seq));
  } else if (std::holds_alternative<smpp::SubmitSm>(body) || std::holds_alternative<smpp::DataSm>(body)) {
    OnSubmitPdu(std::move(pdu));
  } else if (std::holds_alternative<smpp::DeliverSm>(body)) {
    // Producers submit; deliver_sm goes the other way.
    Refuse(pdu, smpp::kEsmeRInvBndSts);
  } else {
    callbacks_.Send(smpp::MakeGenericNack(seq, smpp::kEsmeRInvCmdId));
  }
}

void ServerSession::OnBindPdu(BindRequest request) {
  if (state_ != SessionState::kOpen) {
    callbacks_.Send(BindAnswerFor(request, smpp::kEsmeRAlyBnd, ""));
    return;
  }
  state_ = SessionState::kBinding;
  kind_ = request.kind;
  callbacks_.OnBind(request);
}

void ServerSession::AcceptBind(const BindRequest& request, std::string_view server_system_id) {
  if (state_ != SessionState::kBinding) return;
  state_ = SessionState::kBound;
  bind_deadline_ = TimePoint::max();
  callbacks_.Send(BindAnswerFor(request, smpp::kEsmeROk, server_system_id));
}

void ServerSession::RefuseBind(const BindRequest& request, uint32_t command_status) {
  if (state_ != SessionState::kBinding) return;
  callbacks_.Send(BindAnswerFor(request, command_status, ""));
  Close("bind refused");
}

void ServerSession::OnSubmitPdu(smpp::Pdu&& pdu) {
  const uint32_t seq = pdu.header.sequence_number;
  if (state_ != SessionState::kBound || kind_ == BindKind::kReceiver) {
    Refuse(pdu, smpp::kEsmeRInvBndSts);
  } else if (submits_.size() >= limits_.window) {
    Refuse(pdu, smpp::kEsmeRThrottled);
  } else if (submits_.contains(seq)) {
    // Its answer could not be told from the first one's.
    Refuse(pdu, smpp::kEsmeRSysErr);
  } else {
    submits_.emplace(seq, std::holds_alternative<smpp::DataSm>(pdu.body));
    callbacks_.OnSubmit(seq, std::move(pdu));
  }
}

void ServerSession::AnswerSubmit(uint32_t sequence, uint32_t command_status, std::string_view message_id) {
  auto it = submits_.find(sequence);
  if (it == submits_.end()) return;
  const bool data_sm = it->second;
  submits_.erase(it);
  if (state_ == SessionState::kClosed) return;
  std::optional<std::string> id;
  if (command_status == smpp::kEsmeROk) id = std::string(message_id);
  if (data_sm) {
    callbacks_.Send(smpp::MakePdu(smpp::DataSmResp{id, {}}, sequence, command_status));
  } else {
    callbacks_.Send(smpp::MakePdu(smpp::SubmitSmResp{id, {}}, sequence, command_status));
  }
}

void ServerSession::OnResponse(const smpp::Pdu& pdu) {
  const bool answer = std::holds_alternative<smpp::DeliverSmResp>(pdu.body) ||
                      std::holds_alternative<smpp::GenericNack>(pdu.body);
  if (!answer) return;  // enquire_link_resp, unbind_resp, or one we never asked for
  auto it = delivers_.find(pdu.header.sequence_number);
  if (it == delivers_.end()) return;
  delivers_.erase(it);
  uint32_t status = pdu.header.command_status;
  // A generic_nack refuses, whatever status it carries.
  if (std::holds_alternative<smpp::GenericNack>(pdu.body) && status == smpp::kEsmeROk) status = smpp::kEsmeRSysErr;
  callbacks_.OnDeliverAnswer(pdu.header.sequence_number, status);
}

void ServerSession::Refuse(const smpp::Pdu& pdu, uint32_t status) { callbacks_.Send(ResponseTo(pdu, status)); }

bool ServerSession::CanDeliver() const { return can_receive() && delivers_.size() < limits_.deliver_window; }

bool ServerSession::Deliver(smpp::DeliverSm&& pdu, TimePoint now, uint32_t* sequence) {
  if (!CanDeliver()) return false;
  const uint32_t seq = NextSequence();
  delivers_.emplace(seq, now + limits_.response_timeout);
  callbacks_.Send(smpp::MakePdu(std::move(pdu), seq));
  *sequence = seq;
  return true;
}

void ServerSession::OnTick(TimePoint now) {
  if (state_ == SessionState::kClosed) return;
  if (now >= bind_deadline_) {
    Close("not bound in time");
    return;
  }
  if (now - last_received_ >= limits_.idle_timeout) {
    Close("idle");
    return;
  }
  for (auto it = delivers_.begin(); it != delivers_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    const uint32_t seq = it->first;
    it = delivers_.erase(it);
    callbacks_.OnDeliverAnswer(seq, kNoAnswer);
  }
}

TimePoint ServerSession::NextDeadline() const {
  if (state_ == SessionState::kClosed) return TimePoint::max();
  TimePoint next = std::min(bind_deadline_, last_received_ + limits_.idle_timeout);
  for (const auto& [seq, deadline] : delivers_) next = std::min(next, deadline);
  return next;
}

void ServerSession::OnDisconnected() {
  state_ = SessionState::kClosed;
  std::map<uint32_t, TimePoint> out = std::move(delivers_);
  delivers_.clear();
  submits_.clear();
  for (const auto& [seq, deadline] : out) callbacks_.OnDeliverAnswer(seq, kNoAnswer);
}

void ServerSession::Close(std::string_view reason) {
  if (state_ == SessionState::kClosed) return;
  state_ = SessionState::kClosed;
  callbacks_.Close(reason);
}

uint32_t ServerSession::NextSequence() {
  sequence_ = smpp::NextSequenceNumber(sequence_);
  return sequence_;
}

}  // namespace deliverer::smppd
