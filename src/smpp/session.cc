#include "smpp/session.h"

#include <algorithm>
#include <utility>

namespace deliverer::smpp {

std::string_view ToString(BindMode mode) {
  switch (mode) {
    case BindMode::kTransceiver: return "transceiver";
    case BindMode::kTransmitter: return "transmitter";
    case BindMode::kReceiver: return "receiver";
  }
  return "?";
}

std::string_view ToString(SubmitResult result) {
  switch (result) {
    case SubmitResult::kAccepted: return "accepted";
    case SubmitResult::kPermanent: return "permanent";
    case SubmitResult::kTransient: return "transient";
    case SubmitResult::kUnknown: return "unknown";
    case SubmitResult::kNotSent: return "not_sent";
  }
  return "?";
}

std::string_view ToString(SessionState state) {
  switch (state) {
    case SessionState::kDisconnected: return "disconnected";
    case SessionState::kBinding: return "binding";
    case SessionState::kBound: return "bound";
    case SessionState::kDraining: return "draining";
    case SessionState::kClosing: return "closing";
    case SessionState::kUnbinding: return "unbinding";
    case SessionState::kStopped: return "stopped";
  }
  return "?";
}

Session::Session(SessionConfig config, SessionTransport& transport, SessionHandler& handler,
                 AdaptiveRate& rate)
    : config_(std::move(config)), transport_(transport), handler_(handler), rate_(rate) {}

uint32_t Session::NextSequence() {
  sequence_ = NextSequenceNumber(sequence_);
  return sequence_;
}

// ---------------------------------------------------------------------------------------
// Connection events

void Session::OnConnected(TimePoint now) {
  if (state_ == SessionState::kStopped) return;
  ++connection_;
  sequence_ = 0;
  disconnect_requested_ = false;
  state_ = SessionState::kBinding;
  state_deadline_ = now + config_.bind_timeout;
  last_received_ = now;
  SendBind();
}

void Session::SendBind() {
  auto fill = [&](auto body) {
    body.system_id = config_.system_id;
    body.password = config_.password;
    body.system_type = config_.system_type;
    body.interface_version = kInterfaceVersion34;
    body.addr_ton = config_.addr_ton;
    body.addr_npi = config_.addr_npi;
    body.address_range = config_.address_range;
    return Body(std::move(body));
  };
  Body body;
  switch (config_.bind_mode) {
    case BindMode::kTransceiver: body = fill(BindTransceiver{}); break;
    case BindMode::kTransmitter: body = fill(BindTransmitter{}); break;
    case BindMode::kReceiver: body = fill(BindReceiver{}); break;
  }
  bind_sequence_ = NextSequence();
  transport_.Send(MakePdu(std::move(body), bind_sequence_));
}

void Session::OnDisconnected(TimePoint /*now*/) {
  if (state_ == SessionState::kDisconnected || state_ == SessionState::kStopped) return;
  const bool stopping = stop_requested_;
  const bool was_bound = state_ != SessionState::kBinding;
  state_ = stopping ? SessionState::kStopped : SessionState::kDisconnected;
  state_deadline_ = TimePoint::max();
  enquire_sequence_ = 0;
  enquire_deadline_ = TimePoint::max();
  deadline_order_.clear();
  auto outstanding = std::move(outstanding_);
  outstanding_.clear();
  for (auto& [sequence, in_flight] : outstanding) {
    const uint32_t throttled = in_flight.pending.throttled;
    Complete(std::move(in_flight.pending),
             SubmitOutcome{.result = SubmitResult::kUnknown, .throttled = throttled});
  }
  FailQueued();
  if (was_bound) handler_.OnUnbound();
}

void Session::FailQueued() {
  auto queue = std::move(queue_);
  queue_.clear();
  for (auto& pending : queue) {
    const uint32_t throttled = pending.throttled;
    Complete(std::move(pending), SubmitOutcome{.result = SubmitResult::kNotSent, .throttled = throttled});
  }
}

void Session::Complete(Pending&& pending, SubmitOutcome&& outcome) {
  handler_.OnSubmitDone(pending.id, std::move(outcome));
}

void Session::Disconnect(std::string_view reason) {
  if (disconnect_requested_) return;
  disconnect_requested_ = true;
  transport_.Disconnect(reason);
}

// ---------------------------------------------------------------------------------------
// PDUs from the peer

void Session::OnPdu(Pdu&& pdu, TimePoint now) {
  if (state_ == SessionState::kDisconnected || state_ == SessionState::kStopped) return;
  last_received_ = now;
  const uint32_t sequence = pdu.header.sequence_number;
  const uint32_t status = pdu.header.command_status;
  if (auto* resp = std::get_if<SubmitSmResp>(&pdu.body)) {
    OnSubmitResp(sequence, status, resp->message_id.value_or(""), now);
  } else if (std::holds_alternative<BindTransceiverResp>(pdu.body) ||
             std::holds_alternative<BindTransmitterResp>(pdu.body) ||
             std::holds_alternative<BindReceiverResp>(pdu.body)) {
    if (state_ == SessionState::kBinding && sequence == bind_sequence_) OnBindResp(status);
  } else if (std::holds_alternative<EnquireLinkResp>(pdu.body)) {
    if (sequence == enquire_sequence_) {
      enquire_sequence_ = 0;
      enquire_deadline_ = TimePoint::max();
    }
  } else if (std::holds_alternative<UnbindResp>(pdu.body)) {
    if (state_ == SessionState::kUnbinding) Disconnect("unbound");
  } else if (std::holds_alternative<GenericNack>(pdu.body)) {
    if (state_ == SessionState::kBinding && sequence == bind_sequence_) {
      OnBindResp(status == 0 ? kEsmeRBindFail : status);
    } else if (outstanding_.contains(sequence)) {
      OnSubmitResp(sequence, status == 0 ? kEsmeRSysErr : status, "", now);
    }
  } else if (!IsResponse(pdu.command_id())) {
    OnRequest(std::move(pdu), now);
  }
  // Other responses (deliver_sm_resp, a late bind_resp) answer nothing we asked: ignored.
}

void Session::OnBindResp(uint32_t status) {
  if (status != kEsmeROk) {
    handler_.OnBindRefused(status);
    Disconnect("bind refused");
    return;
  }
  state_ = SessionState::kBound;
  state_deadline_ = TimePoint::max();
  handler_.OnBound();
}

void Session::OnSubmitResp(uint32_t sequence, uint32_t status, std::string message_id, TimePoint now) {
  auto it = outstanding_.find(sequence);
  if (it == outstanding_.end()) return;  // timed out already, or not ours
  Pending pending = std::move(it->second.pending);
  outstanding_.erase(it);
  if (status == kEsmeROk) {
    rate_.OnAnswered(now);
    const uint32_t throttled = pending.throttled;
    Complete(std::move(pending), SubmitOutcome{.result = SubmitResult::kAccepted,
                                               .message_id = std::move(message_id),
                                               .throttled = throttled});
  } else if (IsThrottle(status) && pending.throttled < config_.max_throttle_requeues &&
             (state_ == SessionState::kBound)) {
    rate_.OnThrottled(now);
    ++pending.throttled;
    queue_.push_front(std::move(pending));
  } else {
    if (IsThrottle(status)) rate_.OnThrottled(now); else rate_.OnAnswered(now);
    const StatusClass klass = ClassifyStatus(status, config_.status_policy);
    const uint32_t throttled = pending.throttled;
    Complete(std::move(pending),
             SubmitOutcome{.result = klass == StatusClass::kPermanent ? SubmitResult::kPermanent
                                                                       : SubmitResult::kTransient,
                           .command_status = status,
                           .throttled = throttled});
  }
  MaybeFinishDrain(now);
  Pump(now);
}

void Session::OnRequest(Pdu&& pdu, TimePoint now) {
  const uint32_t sequence = pdu.header.sequence_number;
  if (std::holds_alternative<EnquireLink>(pdu.body)) {
    transport_.Send(MakePdu(EnquireLinkResp{}, sequence));
  } else if (std::holds_alternative<Unbind>(pdu.body)) {
    transport_.Send(MakePdu(UnbindResp{}, sequence));
    Disconnect("peer unbind");
  } else if (auto* deliver = std::get_if<DeliverSm>(&pdu.body)) {
    const bool can_receive = config_.bind_mode != BindMode::kTransmitter &&
                             state_ != SessionState::kBinding;
    if (!can_receive) {
      transport_.Send(MakePdu(DeliverSmResp{}, sequence, kEsmeRInvBndSts));
      return;
    }
    handler_.OnDeliverSm(DeliverRef{connection_, sequence}, std::move(*deliver));
  } else {
    // submit_sm or a bind from the SMSC: not something an ESME answers.
    transport_.Send(MakeGenericNack(sequence, kEsmeRInvCmdId));
  }
  (void)now;
}

void Session::OnMalformed(const Header& header, uint32_t status, TimePoint now) {
  if (state_ == SessionState::kDisconnected || state_ == SessionState::kStopped) return;
  last_received_ = now;
  if (!IsResponse(header.command_id)) {
    transport_.Send(MakeGenericNack(header.sequence_number, status));
    return;
  }
  // An answer we cannot read: for a submit its outcome is unknown (the carrier may have
  // accepted it), unless the header already says it failed.
  auto it = outstanding_.find(header.sequence_number);
  if (header.command_id != SubmitSmResp::kCommandId || it == outstanding_.end()) return;
  if (header.command_status != kEsmeROk) {
    OnSubmitResp(header.sequence_number, header.command_status, "", now);
    return;
  }
  Pending pending = std::move(it->second.pending);
  outstanding_.erase(it);
  const uint32_t throttled = pending.throttled;
  Complete(std::move(pending), SubmitOutcome{.result = SubmitResult::kUnknown, .throttled = throttled});
  MaybeFinishDrain(now);
  Pump(now);
}

// ---------------------------------------------------------------------------------------
// Submits

bool Session::CanSubmit() const {
  return state_ == SessionState::kBound && config_.bind_mode != BindMode::kReceiver;
}

bool Session::Submit(SubmitId id, SubmitSm&& pdu, TimePoint now) {
  if (!CanSubmit()) return false;
  queue_.push_back(Pending{.id = id, .pdu = std::move(pdu)});
  Pump(now);
  return true;
}

void Session::Pump(TimePoint now) {
  while (state_ == SessionState::kBound && !queue_.empty() &&
         outstanding_.size() < config_.window && rate_.TryTake(now)) {
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    const uint32_t sequence = NextSequence();
    Pdu pdu = MakePdu(std::move(pending.pdu), sequence);
    transport_.Send(pdu);
    pending.pdu = std::get<SubmitSm>(std::move(pdu.body));
    outstanding_.emplace(sequence, InFlight{std::move(pending), now + config_.response_timeout});
    deadline_order_.push_back(sequence);
  }
}

void Session::AnswerDeliver(DeliverRef ref, uint32_t command_status) {
  if (ref.connection != connection_ || state_ == SessionState::kDisconnected ||
      state_ == SessionState::kStopped || disconnect_requested_) {
    return;
  }
  transport_.Send(MakePdu(DeliverSmResp{}, ref.sequence_number, command_status));
}

// ---------------------------------------------------------------------------------------
// Time

void Session::OnTick(TimePoint now) {
  switch (state_) {
    case SessionState::kDisconnected:
    case SessionState::kStopped:
      return;
    case SessionState::kBinding:
      if (now >= state_deadline_) Disconnect("bind timeout");
      return;
    case SessionState::kUnbinding:
      if (now >= state_deadline_) Disconnect("unbind timeout");
      return;
    case SessionState::kBound:
    case SessionState::kDraining:
    case SessionState::kClosing:
      ExpireOutstanding(now);
      CheckLink(now);
      MaybeFinishDrain(now);
      Pump(now);
      return;
  }
}

void Session::ExpireOutstanding(TimePoint now) {
  while (!deadline_order_.empty()) {
    auto it = outstanding_.find(deadline_order_.front());
    if (it == outstanding_.end()) {
      deadline_order_.pop_front();
      continue;
    }
    if (it->second.deadline > now) break;
    deadline_order_.pop_front();
    Pending pending = std::move(it->second.pending);
    outstanding_.erase(it);
    const uint32_t throttled = pending.throttled;
    // R6: stop sending on this link; rebind once the others have been answered.
    if (state_ == SessionState::kBound) {
      state_ = SessionState::kDraining;
      state_deadline_ = now + config_.response_timeout;
      FailQueued();
    }
    Complete(std::move(pending), SubmitOutcome{.result = SubmitResult::kUnknown, .throttled = throttled});
  }
}

void Session::CheckLink(TimePoint now) {
  if (enquire_sequence_ != 0) {
    if (now >= enquire_deadline_) Disconnect("enquire_link timeout");
    return;
  }
  if (now - last_received_ >= config_.enquire_link_interval) {
    enquire_sequence_ = NextSequence();
    enquire_deadline_ = now + config_.response_timeout;
    transport_.Send(MakePdu(EnquireLink{}, enquire_sequence_));
  }
}

void Session::MaybeFinishDrain(TimePoint now) {
  if (state_ == SessionState::kDraining) {
    if (outstanding_.empty() || now >= state_deadline_) Disconnect("response timeout");
  } else if (state_ == SessionState::kClosing) {
    if (outstanding_.empty() || now >= state_deadline_) SendUnbind(now);
  }
}

TimePoint Session::NextDeadline(TimePoint now) {
  TimePoint next = TimePoint::max();
  switch (state_) {
    case SessionState::kDisconnected:
    case SessionState::kStopped:
      return next;
    case SessionState::kBinding:
    case SessionState::kUnbinding:
      return state_deadline_;
    default:
      break;
  }
  next = std::min(next, state_deadline_);
  next = std::min(next, enquire_sequence_ != 0 ? enquire_deadline_
                                               : last_received_ + config_.enquire_link_interval);
  // The first live entry has the oldest deadline. Answered entries ahead of it are dropped
  // here too, not skipped: skipping them on every call cost a scan of the window per event.
  while (!deadline_order_.empty()) {
    auto it = outstanding_.find(deadline_order_.front());
    if (it == outstanding_.end()) {
      deadline_order_.pop_front();
      continue;
    }
    next = std::min(next, it->second.deadline);
    break;
  }
  if (state_ == SessionState::kBound && !queue_.empty() && outstanding_.size() < config_.window) {
    next = std::min(next, rate_.NextToken(now));
  }
  return next;
}

// ---------------------------------------------------------------------------------------
// Shutdown

void Session::Shutdown(TimePoint now, TimePoint drain_deadline) {
  stop_requested_ = true;
  FailQueued();
  switch (state_) {
    case SessionState::kDisconnected:
      state_ = SessionState::kStopped;
      return;
    case SessionState::kBinding:
      Disconnect("shutdown");
      return;
    case SessionState::kBound:
    case SessionState::kDraining:
      state_ = SessionState::kClosing;
      state_deadline_ = drain_deadline;
      MaybeFinishDrain(now);
      return;
    default:
      return;
  }
}

void Session::SendUnbind(TimePoint now) {
  auto outstanding = std::move(outstanding_);
  outstanding_.clear();
  deadline_order_.clear();
  for (auto& [sequence, in_flight] : outstanding) {
    const uint32_t throttled = in_flight.pending.throttled;
    Complete(std::move(in_flight.pending),
             SubmitOutcome{.result = SubmitResult::kUnknown, .throttled = throttled});
  }
  state_ = SessionState::kUnbinding;
  state_deadline_ = now + config_.unbind_timeout;
  transport_.Send(MakePdu(Unbind{}, NextSequence()));
}

}  // namespace deliverer::smpp
