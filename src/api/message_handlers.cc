// POST /v1/messages, POST /v1/messages/batch, GET /v1/messages/{id}, GET /v1/messages.
#include <fmt/format.h>

#include <charconv>

#include "api/api.h"
#include "api/request_helpers.h"
#include "api/views.h"
#include "auth/api_key.h"
#include "common/ids.h"
#include "common/time_format.h"
#include "model/lifecycle.h"

namespace deliverer::api {

using boost::asio::awaitable;
using InsertResults = std::vector<Result<store::InsertResult>>;

namespace {

std::optional<Error> CheckJsonBody(const Request& request) {
  const auto type = request[http::field::content_type];
  if (!IsJsonContentType(std::string_view(type.data(), type.size()))) {
    return Error::Of("unsupported_media_type", "send the body as application/json");
  }
  return std::nullopt;
}

bool IsAdmin(const Caller& caller) { return (caller.scopes & auth::kScopeAdmin) != 0; }

}  // namespace

awaitable<Response> Api::SendMessage(Context& ctx) {
  if (auto e = CheckJsonBody(ctx.request)) co_return Reject(*e);
  // Named, not a temporary in the co_await: g++ 12 destroys such an argument twice.
  Submission submission{ctx.request.body(), ctx.caller, {}, {}, {}};
  Acceptance accepted = co_await acceptor_.Accept(std::move(submission));
  switch (accepted.outcome) {
    case AcceptOutcome::kOverloaded:
      co_return Reject(accepted.error, 1);
    case AcceptOutcome::kUnavailable:
      co_return StorageFailure(accepted.error, ctx.caller.request_id);
    case AcceptOutcome::kRefused:
      co_return Reject(accepted.error);
    case AcceptOutcome::kReplayed:
    case AcceptOutcome::kCreated:
      break;
  }
  const store::MessageRecord& record = accepted.record;
  const bool replayed = accepted.outcome == AcceptOutcome::kReplayed;
  Response res = JsonResponse(replayed ? 200 : 202, Dump(AcceptedJson(record, EstimatedProcessingMs())));
  if (replayed) res.set("Idempotent-Replayed", "true");
  res.set(http::field::location, "/v1/messages/" + record.id);
  co_return res;
}

awaitable<Response> Api::SendBatch(Context& ctx) {
  if (auto e = CheckJsonBody(ctx.request)) co_return Reject(*e);
  if (auto e = acceptor_.CheckOverloaded()) co_return Reject(*e, 1);
  // Parsed, validated and checked against the suppression lists (a read per item) off
  // the I/O thread, like a single message.
  struct Checked {
    Result<std::vector<Result<validation::ValidatedMessage>>> parsed;
    std::vector<bool> suppressed;  // per item; false for the invalid ones
    std::optional<Error> storage_error;
  };
  Checked checked = co_await OffIoThread([&] {
    Checked out{validator_.ParseBatch(ctx.request.body(), options_.DefaultsFor(ctx.caller.account)),
                {}, std::nullopt};
    if (!out.parsed.ok()) return out;
    for (const auto& item : *out.parsed) {
      bool on_list = false;
      if (item.ok()) {
        auto suppressed = stores_.suppressions.IsSuppressed(ctx.caller.account, item->to);
        if (!suppressed.ok()) {
          out.storage_error = suppressed.error();
          break;
        }
        on_list = *suppressed;
      }
      out.suppressed.push_back(on_list);
    }
    return out;
  });
  if (!checked.parsed.ok()) co_return Reject(checked.parsed.error());
  if (checked.storage_error) co_return StorageFailure(*checked.storage_error, ctx.caller.request_id);
  auto& parsed = checked.parsed;

  const int64_t now = clock_.NowUnixMillis();
  nlohmann::json results = nlohmann::json::array();
  std::vector<store::NewMessage> batch;
  std::vector<size_t> positions;  // index in `results` of each batch entry
  for (size_t i = 0; i < parsed->size(); ++i) {
    auto& item = (*parsed)[i];
    std::optional<Error> error;
    if (!item.ok()) {
      error = item.error();
    } else if (checked.suppressed[i]) {
      error = Acceptor::Suppressed();
    } else {
      error = Acceptor::CheckSendAt(*item, now);
    }
    if (error) {
      acceptor_.CountRejected(error->code);
      results.push_back({{"index", i},
                         {"status", StatusFor(error->code)},
                         {"error", nlohmann::json::parse(ProblemBody(*error))}});
      continue;
    }
    positions.push_back(i);
    results.push_back({{"index", i}});
    batch.push_back(Acceptor::ToNewMessage(std::move(*item), ctx.caller, now));
  }
  if (!batch.empty()) {
    acceptor_.Estimate(batch);
    InsertResults inserted = co_await AwaitCallback<InsertResults>(
        [&](auto done) { stores_.messages.InsertMessages(std::move(batch), std::move(done)); });
    acceptor_.PublishCreated(inserted);
    for (size_t k = 0; k < inserted.size(); ++k) {
      FillBatchResult(inserted[k], results[positions[k]]);
    }
  }
  co_return JsonResponse(207, Dump({{"results", std::move(results)}}));
}

void Api::FillBatchResult(const Result<store::InsertResult>& inserted, nlohmann::json& out) {
  if (!inserted.ok()) {
    const Error error = Error::Of("storage_unavailable", "storage is not accepting writes");
    out["status"] = StatusFor(error.code);
    out["error"] = nlohmann::json::parse(ProblemBody(error));
    return;
  }
  const store::MessageRecord& record = inserted->record;
  switch (inserted->outcome) {
    case store::InsertOutcome::kCreated:
      acceptor_.CountAccepted(record.account);
      out["status"] = 202;
      break;
    case store::InsertOutcome::kReplayed:
      out["status"] = 200;
      break;
    case store::InsertOutcome::kConflict: {
      const Error error = Acceptor::Conflict(record.id);
      acceptor_.CountRejected(error.code);
      out["status"] = StatusFor(error.code);
      out["error"] = nlohmann::json::parse(ProblemBody(error));
      return;
    }
  }
  out["message_id"] = record.id;
  out["encoding"] = model::ToString(record.encoding);
  out["segments"] = record.segments;
  out["estimate"] = EstimateJson(record);
}

awaitable<Response> Api::GetMessage(Context& ctx) {
  auto found = stores_.messages.GetMessage(CanonicalMessageId(ctx.path_param), /*with_events=*/true);
  if (!found.ok()) co_return StorageFailure(found.error(), ctx.caller.request_id);
  // Another account's message answers exactly like an unknown id (docs/reliability.md S1).
  if (!found->has_value() || ((*found)->account != ctx.caller.account && !IsAdmin(ctx.caller))) {
    co_return Reject(Error::Of("not_found", "no message with that id"));
  }
  co_return JsonResponse(200, Dump(MessageJson(**found, /*with_events=*/true)));
}

namespace {

Error NotCancelable(model::Status status) {
  return Error::Of("conflict", fmt::format("the message is {}: only a scheduled or queued message can be canceled",
                                           model::ToString(status)));
}

}  // namespace

// The check, the claim and the commit in this order: another account's message answers
// exactly like an unknown id, whether or not it is being submitted.
awaitable<Response> Api::CancelMessage(Context& ctx) {
  const std::string id = CanonicalMessageId(ctx.path_param);
  auto found = stores_.messages.GetMessage(id, /*with_events=*/false);
  if (!found.ok()) co_return StorageFailure(found.error(), ctx.caller.request_id);
  if (!found->has_value() || ((*found)->account != ctx.caller.account && !IsAdmin(ctx.caller))) {
    co_return Reject(Error::Of("not_found", "no message with that id"));
  }
  if (options_.claims != nullptr && !options_.claims->ClaimForCancel(id)) {
    // A carrier has it. Its receipt may already have ended it while the delivery side
    // still holds the claim: the status read above then says so.
    const model::Status status = (*found)->status;
    if (!model::IsCancelable(status)) co_return Reject(NotCancelable(status));
    co_return Reject(Error::Of("conflict", "the message is sending: a carrier has it already"));
  }
  Result<store::CancelResult> result = co_await Cancel(ctx, id);
  if (options_.claims != nullptr) options_.claims->ReleaseCancel(id);
  if (!result.ok()) co_return StorageFailure(result.error(), ctx.caller.request_id);
  switch (result->outcome) {
    case store::CancelOutcome::kNotFound:
      co_return Reject(Error::Of("not_found", "no message with that id"));
    case store::CancelOutcome::kNotCancelable:
      if (options_.delivered_elsewhere && result->record.status == model::Status::kQueued) {
        co_return Reject(Error::Of("conflict",
                                   "the message is queued, and another process delivers it and may be submitting it "
                                   "now: this process cancels scheduled messages only; cancel it through a process "
                                   "that delivers"));
      }
      co_return Reject(NotCancelable(result->record.status));
    case store::CancelOutcome::kCanceled:
      break;
  }
  metrics_.Counter("deliverer_messages_canceled_total", "Messages canceled by their producer").Inc();
  co_return JsonResponse(200, Dump(MessageJson(result->record, /*with_events=*/true)));
}

awaitable<Result<store::CancelResult>> Api::Cancel(const Context& ctx, const std::string& id) {
  store::CancelRequest request;
  request.message_id = id;
  if (!IsAdmin(ctx.caller)) request.account = ctx.caller.account;
  request.key_id = ctx.caller.key_id;
  request.source_ip = ctx.caller.source_ip;
  request.at_ms = clock_.NowUnixMillis();
  if (options_.delivered_elsewhere) request.only_from = model::Status::kScheduled;
  co_return co_await AwaitCallback<Result<store::CancelResult>>(
      [&](auto done) { stores_.messages.CancelMessage(std::move(request), std::move(done)); });
}

awaitable<Response> Api::ListMessages(Context& ctx) {
  auto query = ParseMessageQuery(ctx.query, ctx.caller);
  if (!query.ok()) co_return Reject(query.error());
  auto page = stores_.messages.ListMessages(*query);
  if (!page.ok()) co_return StorageFailure(page.error(), ctx.caller.request_id);
  nlohmann::json data = nlohmann::json::array();
  for (const auto& m : page->messages) data.push_back(MessageJson(m, /*with_events=*/false));
  nlohmann::json next = nullptr;
  if (page->more) {
    const auto& last = page->messages.back();
    next = EncodeCursor(fmt::format("{}:{}", last.created_at_ms, last.id));
  }
  co_return JsonResponse(200, Dump({{"data", std::move(data)}, {"next_cursor", next}}));
}

Result<store::MessageQuery> Api::ParseMessageQuery(std::string_view text, const Caller& caller) {
  auto params = ParseQuery(text);
  if (!params.ok()) return params.take_error();
  store::MessageQuery q;
  if (!IsAdmin(caller)) q.account = caller.account;
  for (auto& [name, value] : *params) {
    auto bad = [&name = name](std::string why) { return Error::Of("invalid_field", why, name); };
    if (name == "status") {
      q.status = model::ParseStatus(value);
      if (!q.status) return bad("unknown status '" + value + "'");
    } else if (name == "to") {
      q.to = value;
    } else if (name == "from") {
      q.from = value;
    } else if (name == "client_ref") {
      q.client_ref = value;
    } else if (name == "account" && IsAdmin(caller)) {
      q.account = value;
    } else if (name == "since" || name == "until") {
      auto ms = ParseRfc3339(value);
      if (!ms) return bad("'" + name + "' must be an RFC 3339 time");
      (name == "since" ? q.since_ms : q.until_ms) = *ms;
    } else if (name == "limit") {
      int limit = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 1000) {
        return bad("'limit' must be an integer from 1 to 1000");
      }
      q.limit = limit;
    } else if (name == "cursor") {
      auto position = DecodeCursor(value);
      const size_t colon = position ? position->find(':') : std::string::npos;
      int64_t at = 0;
      if (colon == std::string::npos ||
          std::from_chars(position->data(), position->data() + colon, at).ec != std::errc()) {
        return bad("invalid cursor");
      }
      q.after_created_at_ms = at;
      q.after_id = position->substr(colon + 1);
    } else {
      return bad("unknown query parameter '" + name + "'");
    }
  }
  return q;
}

int64_t Api::EstimatedProcessingMs() const {
  if (options_.delivery_tps <= 0) return 100;
  const double backlog_s = static_cast<double>(stores_.messages.PendingCount()) / options_.delivery_tps;
  return 100 + static_cast<int64_t>(backlog_s * 1000.0);
}

}  // namespace deliverer::api
