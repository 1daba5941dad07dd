// What a producer's submit_sm or data_sm becomes: a message through the acceptance
// pipeline (api/acceptance.h), or a part kept durably until its set is whole.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <limits>

#include "api/request_helpers.h"
#include "auth/api_key.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/unhandled.h"
#include "smpp/status.h"
#include "smppd/net/core.h"
#include "smppd/data_coding.h"
#include "smppd/status_map.h"
#include "text/text.h"

namespace deliverer::smppd::net {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr std::chrono::seconds kSweepEvery{5};
constexpr int kSetsPerSweep = 100;

api::Caller CallerOf(const Identity& identity, const std::string& peer, int64_t now_ms) {
  return api::Caller{identity.key_id, identity.account, identity.scopes, peer, NewUuidV7(now_ms)};
}

std::string ReceiptUrl(const Identity& identity, uint8_t registered_delivery) {
  if (registered_delivery != 1 && registered_delivery != 2) return "";
  return store::ProducerReceiptUrl(identity.system_id, registered_delivery == 2);
}

}  // namespace

awaitable<void> Core::HandleSubmit(std::shared_ptr<Connection> connection, uint32_t sequence, smpp::Pdu pdu) {
  auto answer = [&](const SubmitAnswer& a) {
    CountSubmit(a.status);
    connection->session().AnswerSubmit(sequence, a.status, a.message_id);
  };
  const Identity& identity = connection->identity();
  if (deps_.rate_limiter.Acquire(identity.key_id) > 0) {
    answer(SubmitAnswer{SubmitStatusFor("rate_limited"), ""});
    co_return;
  }
  auto* data_sm = std::get_if<smpp::DataSm>(&pdu.body);
  Result<ProducerSubmit> submit = data_sm != nullptr ? ReadDataSm(*data_sm) : ReadSubmit(std::get<smpp::SubmitSm>(pdu.body));
  if (!submit.ok()) {
    answer(SubmitAnswer{SubmitStatusFor(submit.error().code, submit.error().field), ""});
    co_return;
  }
  // Not one conditional expression: g++ 12 miscompiles co_await inside `?:`.
  SubmitAnswer a;
  if (submit->part) {
    a = co_await AcceptPart(*connection, *submit);
  } else {
    a = co_await AcceptWhole(*connection, *submit);
  }
  answer(a);
}

namespace {

SubmitAnswer AnswerOf(const api::Acceptance& acceptance) {
  switch (acceptance.outcome) {
    case api::AcceptOutcome::kCreated:
    case api::AcceptOutcome::kReplayed:
      return {smpp::kEsmeROk, acceptance.record.id};
    case api::AcceptOutcome::kOverloaded:
      return {SubmitStatusFor("overloaded"), ""};
    case api::AcceptOutcome::kUnavailable:
      return {SubmitStatusFor("storage_unavailable"), ""};
    case api::AcceptOutcome::kRefused:
      break;
  }
  return {SubmitStatusFor(acceptance.error.code, acceptance.error.field), ""};
}

}  // namespace

awaitable<SubmitAnswer> Core::AcceptWhole(const Connection& connection, const ProducerSubmit& submit) {
  Result<std::string> text = DecodeText(submit.data_coding, submit.payload);
  if (!text.ok()) co_return SubmitAnswer{SubmitStatusFor(text.error().code), ""};
  const Identity& identity = connection.identity();
  api::Submission submission{SubmissionJson(submit, *text), CallerOf(identity, connection.peer(), deps_.clock.NowUnixMillis()),
                             ReceiptUrl(identity, submit.registered_delivery), {}, {}};
  api::Acceptance acceptance = co_await deps_.acceptor.Accept(std::move(submission));
  if (acceptance.outcome == api::AcceptOutcome::kUnavailable) {
    log::Warn(kComponent, "storage failure: {}", acceptance.error.detail);
  }
  co_return AnswerOf(acceptance);
}

std::string Core::SetName(const store::InboundPartsKey& key) {
  return fmt::format("{}\n{}\n{}\n{}\n{}", key.carrier, key.from, key.to, key.reference, key.total);
}

// Each part is answered once it is durable, with the id of the whole message; the part
// that completes its set is answered with what became of the message.
awaitable<SubmitAnswer> Core::AcceptPart(const Connection& connection, const ProducerSubmit& submit) {
  const Identity& identity = connection.identity();
  const smpp::Concatenation& c = *submit.part;
  const store::InboundPartsKey key = PartsKey(identity.system_id, submit.from, submit.to, c.reference, c.total);
  const std::string name = SetName(key);
  const int64_t now = deps_.clock.NowUnixMillis();
  auto [it, fresh] = part_sets_.try_emplace(name, PartSet{submit.message_id.value_or("")});
  if (fresh && submit.message_id) {
    // A part sent again after its message was made (the answer to the last part lost)
    // is answered as the message, not kept: it would start a set that never completes.
    std::optional<SubmitAnswer> made = MadeAlready(identity, key, *submit.message_id);
    if (made) {
      part_sets_.erase(it);
      co_return *made;
    }
  }
  if (it->second.message_id.empty()) it->second.message_id = NewUuidV7(now);
  if (submit.message_id && *submit.message_id != it->second.message_id) {
    // The parts of one message carry one id, or none.
    co_return SubmitAnswer{SubmitStatusFor("idempotency_conflict"), ""};
  }
  const std::string message_id = it->second.message_id;
  const PartEnvelope envelope{message_id, identity.account, identity.key_id, submit.data_coding,
                              submit.registered_delivery, submit.high_priority, submit.payload};
  store::InboundPart part{key, c.sequence, PackPart(envelope), now};
  auto held = co_await api::AwaitCallback<Result<store::InboundPartsHeld>>([&](auto done) {
    deps_.parts.KeepInboundPart(std::move(part), options_.max_pending_parts, std::move(done));
  });
  if (!held.ok() || !held->kept) {
    if (fresh) part_sets_.erase(name);
    UpdateGauges();
    co_return SubmitAnswer{SubmitStatusFor(held.ok() ? "parts_full" : "storage_unavailable"), ""};
  }
  UpdateGauges();
  if (!IsComplete(held->parts)) co_return SubmitAnswer{smpp::kEsmeROk, message_id};
  co_return co_await AcceptSet(identity, connection.peer(), key, held->parts);
}

std::optional<SubmitAnswer> Core::MadeAlready(const Identity& identity, const store::InboundPartsKey& key,
                                              const std::string& message_id) {
  auto stored = deps_.messages.GetMessage(message_id, false);
  if (!stored.ok()) return SubmitAnswer{SubmitStatusFor("storage_unavailable"), ""};
  if (!stored->has_value()) return std::nullopt;
  const store::MessageRecord& record = **stored;
  if (record.account == identity.account && record.from == key.from && record.to == key.to) {
    return SubmitAnswer{smpp::kEsmeROk, record.id};
  }
  return SubmitAnswer{SubmitStatusFor("idempotency_conflict"), ""};
}

awaitable<SubmitAnswer> Core::AcceptSet(const Identity& identity, const std::string& peer,
                                        const store::InboundPartsKey& key,
                                        const std::vector<store::InboundPart>& parts) {
  const std::optional<PartEnvelope> first = UnpackPart(parts.front().text);
  Result<std::string> text = JoinedText(parts);
  if (!first || !text.ok()) {
    Error error = text.ok() ? Error::Of("invalid_field", "a stored part is unreadable", "body") : text.error();
    const SubmitAnswer answer{SubmitStatusFor(error.code, error.field), ""};
    co_await RejectSet(key, parts, std::move(error));
    co_return answer;
  }
  ProducerSubmit whole;
  whole.from = key.from;
  whole.to = key.to;
  whole.high_priority = first->high_priority;
  api::Submission submission{SubmissionJson(whole, *text, first->message_id),
                             CallerOf(identity, peer, deps_.clock.NowUnixMillis()),
                             ReceiptUrl(identity, first->registered_delivery), key, {}};
  api::Acceptance acceptance = co_await deps_.acceptor.Accept(std::move(submission));
  const SubmitAnswer answer = AnswerOf(acceptance);
  if (acceptance.outcome == api::AcceptOutcome::kRefused) {
    // Its other parts were answered ESME_ROK: the set ends as a rejected message.
    co_await RejectSet(key, parts, acceptance.error);
  } else if (answer.status == smpp::kEsmeROk) {
    part_sets_.erase(SetName(key));
    UpdateGauges();
  }
  co_return answer;
}

awaitable<void> Core::RejectSet(const store::InboundPartsKey& key, const std::vector<store::InboundPart>& parts,
                                Error error) {
  const std::optional<PartEnvelope> first = parts.empty() ? std::nullopt : UnpackPart(parts.front().text);
  const int64_t now = deps_.clock.NowUnixMillis();
  store::NewMessage m;
  m.id = first ? first->message_id : NewUuidV7(now);
  m.account = first ? first->account : "";
  m.key_id = first ? first->key_id : "";
  m.from = key.from;
  m.to = key.to;
  Result<std::string> text = JoinedText(parts);
  m.body = text.ok() ? std::move(*text) : "";
  if (auto count = text::CountSegments(m.body, text::ConcatReference::k8Bit); count.ok()) {
    m.encoding = count->encoding;
    m.segments = count->segments;
  }
  m.created_at_ms = now;
  Identity sender{SystemIdOf(key), m.key_id, m.account, 0};
  if (first) m.callback_url = ReceiptUrl(sender, first->registered_delivery);
  m.rejected = model::MessageError{error.code, error.detail, ""};
  m.consumes_parts = key;
  // The producer's id may be taken already, by the message that made this set refused:
  // the set then ends under an id of its own, so that its parts are consumed all the same.
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) m.id = NewUuidV7(now);
    // Unique per set: a rejected set never replays another.
    m.payload_hash = auth::HashKey("smpp-rejected/" + m.id);
    std::vector<store::NewMessage> batch{m};
    auto results = co_await api::AwaitCallback<std::vector<Result<store::InsertResult>>>(
        [&](auto done) { deps_.messages.InsertMessages(std::move(batch), std::move(done)); });
    if (!results.front().ok()) {
      // The parts stay; the next sweep tries again.
      log::Warn(kComponent, "cannot end a long message's parts: {}", results.front().error().detail);
      co_return;
    }
    if (results.front()->outcome != store::InsertOutcome::kConflict || attempt > 0) break;
  }
  deps_.acceptor.CountRejected(error.code);
  deps_.metrics.Counter("deliverer_smpp_server_part_sets_rejected_total",
                        "Long messages from SMPP producers ended rejected, by reason", {{"code", error.code}}).Inc();
  part_sets_.erase(SetName(key));
  UpdateGauges();
}

Status Core::LoadPartSets() {
  // Every set waiting since before this start: the id its parts were answered with.
  auto sets = deps_.parts.ExpiredInboundParts(std::numeric_limits<int64_t>::max(),
                                              static_cast<int>(options_.max_pending_parts),
                                              store::PartsOwner::kProducers);
  if (!sets.ok()) return sets.error();
  for (const auto& parts : *sets) {
    if (parts.empty()) continue;
    if (auto envelope = UnpackPart(parts.front().text)) {
      part_sets_[SetName(parts.front().key)] = PartSet{envelope->message_id};
    }
  }
  return Status::Ok();
}

void Core::ScheduleSweep() {
  if (stopping_) return;
  sweep_timer_.expires_after(kSweepEvery);
  sweep_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->stopping_) return;
    asio::co_spawn(self->io_, [self] { return self->SweepParts(); },
                   LogUnhandled("smppd", [self] { self->ScheduleSweep(); }));
  });
}

awaitable<void> Core::SweepParts() {
  const int64_t before = deps_.clock.NowUnixMillis() - options_.parts_timeout.count();
  auto expired = deps_.parts.ExpiredInboundParts(before, kSetsPerSweep, store::PartsOwner::kProducers);
  if (!expired.ok()) {
    log::Warn(kComponent, "cannot read expired parts: {}", expired.error().detail);
  } else {
    for (const auto& parts : *expired) {
      if (parts.empty()) continue;
      co_await RejectSet(parts.front().key, parts,
                         Error::Of("parts_incomplete", fmt::format("{} of {} parts came in time", parts.size(),
                                                                   parts.front().key.total)));
    }
  }
  ScheduleSweep();
}

}  // namespace deliverer::smppd::net
