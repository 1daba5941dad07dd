#include "api/acceptance.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "api/api.h"
#include "api/estimate.h"
#include "api/request_helpers.h"
#include "auth/api_key.h"
#include "common/ids.h"

namespace deliverer::api {

using boost::asio::awaitable;
using InsertResults = std::vector<Result<store::InsertResult>>;

Acceptor::Acceptor(store::MessageStore& messages, store::ComplianceStore& suppressions,
                   const validation::Validator& validator, metrics::Registry& metrics, Clock& clock,
                   const ApiOptions& options)
    : messages_(messages),
      suppressions_(suppressions),
      validator_(validator),
      metrics_(metrics),
      clock_(clock),
      options_(options) {}

awaitable<std::pair<Result<validation::ValidatedMessage>, Result<bool>>> Acceptor::Check(
    const Submission& submission) {
  using Out = std::pair<Result<validation::ValidatedMessage>, Result<bool>>;
  auto work = [&]() -> Out {
    auto message = validator_.ParseMessage(submission.json, options_.DefaultsFor(submission.caller.account));
    Result<bool> on_list = false;
    if (message.ok()) on_list = suppressions_.IsSuppressed(submission.caller.account, message->to);
    return Out(std::move(message), std::move(on_list));
  };
  if (options_.validation_pool == nullptr) co_return work();
  // co_spawn wants a default-constructible result; Result<T> is not.
  std::optional<Out> out = co_await boost::asio::co_spawn(
      options_.validation_pool->get_executor(),
      [&work]() -> awaitable<std::optional<Out>> { co_return work(); }, boost::asio::use_awaitable);
  co_return std::move(*out);
}

awaitable<Acceptance> Acceptor::Accept(Submission submission) {
  if (auto e = CheckOverloaded()) co_return Acceptance{AcceptOutcome::kOverloaded, {}, *e};
  auto [parsed, suppressed] = co_await Check(submission);
  auto refuse = [this](Error error) {
    CountRejected(error.code);
    return Acceptance{AcceptOutcome::kRefused, {}, std::move(error)};
  };
  if (!parsed.ok()) co_return refuse(parsed.error());
  if (!suppressed.ok()) co_return Acceptance{AcceptOutcome::kUnavailable, {}, suppressed.error()};
  if (*suppressed) co_return refuse(Suppressed());
  const int64_t now_ms = clock_.NowUnixMillis();
  if (auto e = CheckSendAt(*parsed, now_ms)) co_return refuse(*e);

  std::vector<store::NewMessage> batch;
  batch.push_back(ToNewMessage(std::move(*parsed), submission.caller, now_ms));
  if (!submission.callback_url.empty()) batch.back().callback_url = std::move(submission.callback_url);
  batch.back().consumes_parts = std::move(submission.consumes_parts);
  batch.back().rejected = std::move(submission.rejected);
  Estimate(batch);
  InsertResults results = co_await AwaitCallback<InsertResults>(
      [&](auto done) { messages_.InsertMessages(std::move(batch), std::move(done)); });
  Result<store::InsertResult>& result = results.front();
  if (!result.ok()) co_return Acceptance{AcceptOutcome::kUnavailable, {}, result.error()};
  PublishCreated(results);
  switch (result->outcome) {
    case store::InsertOutcome::kConflict:
      co_return refuse(Conflict(result->record.id));
    case store::InsertOutcome::kReplayed:
      co_return Acceptance{AcceptOutcome::kReplayed, std::move(result->record), {}};
    case store::InsertOutcome::kCreated:
      break;
  }
  CountAccepted(result->record.account);
  co_return Acceptance{AcceptOutcome::kCreated, std::move(result->record), {}};
}

store::NewMessage Acceptor::ToNewMessage(validation::ValidatedMessage&& v, const Caller& caller,
                                         int64_t now_ms) {
  store::NewMessage m;
  static_cast<model::Message&>(m) = static_cast<model::Message&&>(v);
  m.id = v.message_id ? std::move(*v.message_id) : NewUuidV7(now_ms);
  m.account = caller.account;
  m.key_id = caller.key_id;
  m.source_ip = caller.source_ip;
  m.ttl_seconds = v.ttl_seconds;
  m.callback_url = std::move(v.callback_url);
  m.client_ref = std::move(v.client_ref);
  // The hash, not the canonical payload itself, is kept: the payload holds the body.
  m.payload_hash = auth::HashKey(v.canonical_payload);
  m.created_at_ms = now_ms;
  // A time not ahead of acceptance means now (0): the message is queued at once.
  if (v.send_at_ms && *v.send_at_ms > now_ms) m.send_at_ms = *v.send_at_ms;
  return m;
}

void Acceptor::PublishCreated(const std::vector<Result<store::InsertResult>>& results) const {
  if (options_.queue == nullptr || !options_.publish_accepted) return;
  std::vector<queue::Delivery> deliveries;
  for (const auto& r : results) {
    if (!r.ok() || r->outcome != store::InsertOutcome::kCreated) continue;
    const store::MessageRecord& m = r->record;
    // Scheduled: the engine releases it at send_at; rejected (a producer's incomplete
    // parts): it ended at acceptance.
    if (m.status != model::Status::kQueued) continue;
    deliveries.push_back(queue::Delivery{m.id, m.to, m.priority, m.created_at_ms, 0});
  }
  if (!deliveries.empty()) options_.queue->Publish(std::move(deliveries));
}

void Acceptor::Estimate(std::vector<store::NewMessage>& batch) const {
  if (options_.routes == nullptr) return;
  // One router for the whole batch: a reload halfway does not split it.
  const std::shared_ptr<const routing::Router> router = options_.routes->Get();
  static const routing::NoneHalted kNoneHalted;
  const routing::CanaryView& canaries =
      options_.canary_halts != nullptr ? *options_.canary_halts : static_cast<const routing::CanaryView&>(kNoneHalted);
  for (store::NewMessage& m : batch) m.estimate = EstimateOf(*router, m, options_.currency, canaries);
}

std::optional<Error> Acceptor::CheckOverloaded() const {
  if (messages_.PendingCount() < options_.queue_high_water) return std::nullopt;
  return Error::Of("overloaded", "the queue is over its high-water mark; retry later");
}

std::optional<Error> Acceptor::CheckSendAt(const validation::ValidatedMessage& message, int64_t now_ms) {
  if (!message.send_at_ms || *message.send_at_ms - now_ms <= model::kMaxScheduleAheadMs) return std::nullopt;
  return Error::Of("invalid_field", "'send_at' must be at most 30 days ahead", "send_at");
}

Error Acceptor::Suppressed() {
  return Error::Of("recipient_suppressed", "the recipient has opted out of messages", "to");
}

Error Acceptor::Conflict(const std::string& id) {
  return Error::Of("idempotency_conflict",
                   fmt::format("message_id {} is already used by a different request", id),
                   "message_id");
}

void Acceptor::CountAccepted(const std::string& account) const {
  metrics_.Counter("deliverer_messages_accepted_total", "Messages accepted (202)", {{"account", account}}).Inc();
}

void Acceptor::CountRejected(const std::string& code) const {
  metrics_.Counter("deliverer_messages_rejected_total", "Messages refused at ingest", {{"code", code}}).Inc();
}

}  // namespace deliverer::api
