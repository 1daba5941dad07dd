// What the simulated SMSC answers to each PDU (docs/simulator.md "SMPP behaviour").
#include "common/log.h"
#include "sim/engine.h"
#include "sim/receipt_pdu.h"
#include "smpp/codec.h"
#include "smpp/status.h"

namespace deliverer::sim {
namespace {

constexpr uint8_t kRegisteredDeliveryFinal = 0x01;

template <class Resp>
smpp::Pdu BindResponse(uint32_t seq, uint32_t status, const std::string& smsc_id) {
  Resp resp;
  if (status == smpp::kEsmeROk) {
    resp.system_id = smsc_id;
    smpp::AddScInterfaceVersion(resp.tlvs, smpp::kInterfaceVersion34);
  }
  return smpp::MakePdu(std::move(resp), seq, status);
}

smpp::Pdu BindResponseFor(BindKind kind, uint32_t seq, uint32_t status, const std::string& id) {
  switch (kind) {
    case BindKind::kTransmitter:
      return BindResponse<smpp::BindTransmitterResp>(seq, status, id);
    case BindKind::kReceiver:
      return BindResponse<smpp::BindReceiverResp>(seq, status, id);
    default:
      return BindResponse<smpp::BindTransceiverResp>(seq, status, id);
  }
}

std::string_view KindName(BindKind kind) {
  switch (kind) {
    case BindKind::kTransmitter: return "transmitter";
    case BindKind::kReceiver: return "receiver";
    case BindKind::kTransceiver: return "transceiver";
    default: return "none";
  }
}

}  // namespace

void Engine::OnPdu(Link& link, smpp::Pdu&& pdu) {
  const uint32_t seq = pdu.header.sequence_number;
  auto& body = pdu.body;
  if (std::holds_alternative<smpp::DeliverSmResp>(body) ||
      std::holds_alternative<smpp::GenericNack>(body)) {
    OnDeliverAnswer(link, pdu);
  } else if (config_.faults.black_hole) {
    if (auto* submit = std::get_if<smpp::SubmitSm>(&body)) {
      ++stats_.submits;
      Record(link, seq, *submit, "", std::nullopt, nullptr);
    }
  } else if (std::holds_alternative<smpp::SubmitSm>(body)) {
    OnSubmit(link, pdu);
  } else if (std::holds_alternative<smpp::EnquireLink>(body)) {
    Answer(link, smpp::MakePdu(smpp::EnquireLinkResp{}, seq));
  } else if (auto* b = std::get_if<smpp::BindTransceiver>(&body)) {
    OnBind(link, seq, b->system_id, b->password, BindKind::kTransceiver);
  } else if (auto* b = std::get_if<smpp::BindTransmitter>(&body)) {
    OnBind(link, seq, b->system_id, b->password, BindKind::kTransmitter);
  } else if (auto* b = std::get_if<smpp::BindReceiver>(&body)) {
    OnBind(link, seq, b->system_id, b->password, BindKind::kReceiver);
  } else if (std::holds_alternative<smpp::Unbind>(body)) {
    log::Info("sim", "bind {}: unbound", link.id);
    Answer(link, smpp::MakePdu(smpp::UnbindResp{}, seq));
    link.closing = true;
    link.channel->CloseAfterFlush();
  } else if (!smpp::IsResponse(pdu.header.command_id)) {
    Answer(link, smpp::MakeGenericNack(seq, smpp::kEsmeRInvCmdId));
  }
  CountPdu(link);
}

void Engine::OnMalformed(Link& link, const smpp::Malformed& malformed) {
  ++stats_.malformed;
  log::Warn("sim", "bind {}: malformed {} ({}{}{})", link.id,
            smpp::CommandName(malformed.header.command_id), malformed.reason,
            malformed.field.empty() ? "" : ", field ", malformed.field);
  if (!config_.faults.black_hole) {
    Answer(link, smpp::MakeGenericNack(malformed.header.sequence_number, malformed.status));
  }
  CountPdu(link);
}

uint32_t Engine::BindStatus(const Link& link, const std::string& system_id,
                            const std::string& password) const {
  if (config_.faults.refuse_binds || InOutage(config_.faults, SecondsSinceStart())) {
    return config_.faults.bind_refuse_status;
  }
  if (link.bind != BindKind::kNone) return smpp::kEsmeRAlyBnd;
  if (!config_.auth.system_id.empty() && system_id != config_.auth.system_id) {
    return smpp::kEsmeRInvSysId;
  }
  if (!config_.auth.password.empty() && password != config_.auth.password) {
    return smpp::kEsmeRInvPaswd;
  }
  return smpp::kEsmeROk;
}

void Engine::OnBind(Link& link, uint32_t seq, const std::string& system_id,
                    const std::string& password, BindKind kind) {
  const uint32_t status = BindStatus(link, system_id, password);
  Answer(link, BindResponseFor(kind, seq, status, options_.smsc_system_id));
  if (status == smpp::kEsmeRAlyBnd) return;
  if (status != smpp::kEsmeROk) {
    log::Info("sim", "bind {}: {} bind refused with {}", link.id, KindName(kind),
              smpp::DescribeStatus(status));
    link.closing = true;
    link.channel->CloseAfterFlush();
    return;
  }
  link.bind = kind;
  link.system_id = system_id;
  link.bound_at = Steady::now();
  ++stats_.binds;
  links_.Bound(link);
  log::Info("sim", "bind {}: bound as {} (system_id '{}')", link.id, KindName(kind), system_id);
  if (link.CanReceive()) desk_.OnReceiverBound(link);
}

void Engine::OnSubmit(Link& link, const smpp::Pdu& pdu) {
  const auto& submit = std::get<smpp::SubmitSm>(pdu.body);
  const uint32_t seq = pdu.header.sequence_number;
  ++stats_.submits;
  if (!link.CanTransmit()) {
    Answer(link, smpp::MakePdu(smpp::SubmitSmResp{}, seq, smpp::kEsmeRInvBndSts));
    Record(link, seq, submit, "", smpp::kEsmeRInvBndSts, nullptr);
    return;
  }
  const bool throttled = bucket_.rate() > 0 && !bucket_.TryTake(Steady::now());
  const bool wants_receipt = (submit.registered_delivery & kRegisteredDeliveryFinal) != 0;
  const SubmitDecision d = DecideSubmit(config_, throttled, wants_receipt, rng_);
  const uint64_t counter = CountAnswer(d.kind);
  std::string carrier_id = d.kind == AnswerKind::kAccepted ? FormatCarrierId(counter) : "";
  std::optional<SubmitContent> content;
  if (record_.is_open()) {
    content = ReadSubmitContent(submit);
  } else if (d.receipt.send) {
    content = ReadSubmitContent(submit, kReceiptTextOctets);
  }
  Record(link, seq, submit, carrier_id, d.status, content ? &*content : nullptr);
  std::vector<uint64_t> receipts;
  if (d.receipt.send) receipts = MakeReceipts(link, submit, d, counter, content->text);
  if (d.receipt.early) {
    for (uint64_t id : receipts) desk_.SendNow(id);
    receipts.clear();
  }
  smpp::SubmitSmResp resp;
  if (d.kind == AnswerKind::kAccepted) resp.message_id = std::move(carrier_id);
  AnswerSubmit(link, smpp::MakePdu(std::move(resp), seq, d.status), d, std::move(receipts));
}

void Engine::AnswerSubmit(Link& link, const smpp::Pdu& response, const SubmitDecision& d,
                          std::vector<uint64_t> receipts) {
  if (d.latency.count() == 0) {
    Answer(link, response);
    AfterAnswer(receipts, d.receipt.delay);
    return;
  }
  const uint64_t id = next_delayed_id_++;
  delayed_[id] = DelayedAnswer{link.id, smpp::Encode(response), std::move(receipts), d.receipt.delay};
  scheduler_.AddAfter(d.latency, Due::kSubmitResp, id);
}

uint64_t Engine::CountAnswer(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::kAccepted:
      ++stats_.accepted;
      return next_carrier_id_++;
    case AnswerKind::kTransient: ++stats_.transient_errors; break;
    case AnswerKind::kPermanent: ++stats_.permanent_errors; break;
    case AnswerKind::kThrottled: ++stats_.throttled; break;
  }
  return 0;
}

std::vector<uint64_t> Engine::MakeReceipts(const Link& link, const smpp::SubmitSm& submit,
                                           const SubmitDecision& d, uint64_t counter,
                                           std::string_view text) {
  const int64_t now_ms = NowMs();
  ReceiptFields fields{FormatCarrierId(counter, config_.receipts.id_form), d.receipt.outcome,
                       now_ms, now_ms + (d.latency + d.receipt.delay).count(), text};
  std::vector<uint8_t> wire = smpp::Encode(smpp::MakePdu(MakeReceipt(submit, fields), 1));
  std::vector<uint64_t> ids;
  if (d.receipt.duplicate) ids.push_back(desk_.Create(wire, link.system_id, link.id));
  ids.push_back(desk_.Create(std::move(wire), link.system_id, link.id));
  return ids;
}

void Engine::AfterAnswer(const std::vector<uint64_t>& receipts, std::chrono::milliseconds delay) {
  for (uint64_t id : receipts) {
    if (delay.count() == 0) {
      desk_.SendNow(id);
    } else {
      desk_.SendAfter(id, delay);
    }
  }
}

void Engine::OnDelayedAnswer(uint64_t id) {
  auto it = delayed_.find(id);
  if (it == delayed_.end()) return;
  DelayedAnswer answer = std::move(it->second);
  delayed_.erase(it);
  Link* link = links_.Find(answer.link);
  if (link && link->Usable()) link->channel->SendRaw(answer.wire);
  AfterAnswer(answer.receipts, answer.receipt_delay);
}

void Engine::OnDeliverAnswer(Link& link, const smpp::Pdu& pdu) {
  uint32_t status = pdu.header.command_status;
  // A generic_nack always refuses, whatever status it carries.
  if (std::holds_alternative<smpp::GenericNack>(pdu.body) && status == smpp::kEsmeROk) {
    status = smpp::kEsmeRSysErr;
  }
  desk_.OnAnswer(link, pdu.header.sequence_number, status);
}

void Engine::Answer(Link& link, const smpp::Pdu& response) {
  if (!link.closing) link.channel->Send(response);
}

void Engine::Record(const Link& link, uint32_t seq, const smpp::SubmitSm& submit,
                    std::string_view carrier_id, std::optional<uint32_t> status,
                    const SubmitContent* content) {
  if (!record_.is_open()) return;
  SubmitContent read;
  if (content == nullptr) {
    read = ReadSubmitContent(submit);
    content = &read;
  }
  AppendRecordLine(record_.buffer(), RecordMeta{NowMs(), link.id, seq, carrier_id, status},
                   submit, *content);
  record_.Appended();
}

void Engine::CountPdu(Link& link) {
  ++link.pdus_received;
  const uint32_t limit = config_.faults.disconnect_after_pdus;
  if (limit > 0 && link.pdus_received >= limit) Disconnect(link, config_.faults.cut_pdu);
}

}  // namespace deliverer::sim
