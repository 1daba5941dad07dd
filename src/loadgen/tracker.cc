#include "loadgen/tracker.h"

#include <algorithm>
#include <array>

namespace deliverer::loadgen {
namespace {

constexpr std::array<std::string_view, 5> kFinalNames = {"", "delivered", "expired", "failed",
                                                         "rejected"};

bool Is2xx(int status) { return status >= 200 && status < 300; }

// The clocks of the bench and the gateway are one clock, but `at` is cut to the
// millisecond while answers are timed to the microsecond, so an event can seem to
// precede the answer by under a millisecond; it counts as no time.
uint64_t NonNegative(int64_t micros) { return micros > 0 ? static_cast<uint64_t>(micros) : 0; }

}  // namespace

void Tracker::OnRequestSent(uint64_t first_seq, uint32_t messages) {
  ++requests_sent_;
  messages_sent_ += messages;
  if (tracks_.size() < first_seq + messages) tracks_.resize(first_seq + messages);
}

void Tracker::OnAnswer(const Answer& answer, ReplyParser& parser) {
  ++answered_;
  ++http_statuses_[answer.status];
  if (answer.batch && answer.status == 207) {
    OnBatch(answer, parser);
    return;
  }
  if (!Is2xx(answer.status)) {
    Reject(parser.ProblemCode(answer.status, answer.body), answer.messages);
    return;
  }
  accept_latency_us_.Record(answer.latency_us);
  for (uint32_t i = 0; i < answer.messages; ++i) Accept(answer.first_seq + i, answer.received_us);
}

void Tracker::OnBatch(const Answer& answer, ReplyParser& parser) {
  if (!parser.BatchResults(answer.body, batch_items_)) {
    Reject("unreadable_batch_answer", answer.messages);
    return;
  }
  accept_latency_us_.Record(answer.latency_us);
  uint64_t counted = 0;
  for (const BatchItem& item : batch_items_) {
    if (item.index >= answer.messages) continue;
    ++counted;
    if (Is2xx(item.status)) {
      Accept(answer.first_seq + item.index, answer.received_us);
    } else {
      Reject(item.code, 1);
    }
  }
  if (counted < answer.messages) Reject("missing_batch_result", answer.messages - counted);
}

void Tracker::OnTransportError(bool timeout) { ++(timeout ? timeouts_ : transport_errors_); }

void Tracker::Accept(uint64_t seq, int64_t at_us) {
  Track& track = tracks_[seq];
  if (track.accept_us != 0) return;
  track.accept_us = at_us;
  ++accepted_;
  if (track.final != kNone) ++terminal_accepted_;
  if (first_accept_us_ == 0 || at_us < first_accept_us_) first_accept_us_ = at_us;
}

void Tracker::Reject(const std::string& code, uint64_t messages) { rejected_[code] += messages; }

WebhookOutcome Tracker::OnWebhook(uint64_t seq, std::string_view status, int64_t at_ms,
                                  int64_t arrival_us) {
  ++webhooks_received_;
  if (seq >= tracks_.size()) {
    ++webhooks_foreign_;
    return WebhookOutcome::kForeign;
  }
  Track& track = tracks_[seq];
  if (status == "sent") {
    if (track.sent_at_ms >= 0) return ++webhooks_duplicate_, WebhookOutcome::kDuplicate;
    track.sent_at_ms = at_ms;
    return WebhookOutcome::kRecorded;
  }
  const auto named = std::find(kFinalNames.begin() + 1, kFinalNames.end(), status);
  if (named == kFinalNames.end()) return WebhookOutcome::kRecorded;  // a status we do not time
  if (track.final != kNone) return ++webhooks_duplicate_, WebhookOutcome::kDuplicate;
  track.final = static_cast<Final>(named - kFinalNames.begin());
  track.done_at_ms = at_ms;
  track.done_arrival_us = arrival_us;
  if (track.accept_us != 0) ++terminal_accepted_;
  return WebhookOutcome::kRecorded;
}

void Tracker::Fill(Report& r) const {
  r.requests_sent = requests_sent_;
  r.requests_answered = answered_;
  r.transport_errors = transport_errors_;
  r.timeouts = timeouts_;
  r.http_statuses = http_statuses_;
  r.messages_sent = messages_sent_;
  r.accepted = accepted_;
  r.rejected = rejected_;
  r.outstanding = outstanding();
  r.webhooks_received = webhooks_received_;
  r.webhooks_duplicate = webhooks_duplicate_;
  r.webhooks_foreign = webhooks_foreign_;
  r.webhooks_bad_signature = bad_signatures_;
  r.accept = Summarize(accept_latency_us_);
  FillLatencies(r);
}

void Tracker::FillLatencies(Report& r) const {
  Histogram to_sent, to_delivered, lag;
  int64_t last_delivered_ms = 0;
  for (const Track& t : tracks_) {
    if (t.accept_us == 0) continue;
    if (t.sent_at_ms >= 0) {
      ++r.sent_events;
      to_sent.Record(NonNegative(t.sent_at_ms * 1000 - t.accept_us));
    }
    if (t.final == kNone) continue;
    ++r.final_statuses[std::string(kFinalNames[t.final])];
    lag.Record(NonNegative(t.done_arrival_us - t.done_at_ms * 1000));
    if (t.final != kDelivered) continue;
    ++r.delivered;
    to_delivered.Record(NonNegative(t.done_at_ms * 1000 - t.accept_us));
    last_delivered_ms = std::max(last_delivered_ms, t.done_at_ms);
  }
  r.accept_to_sent = Summarize(to_sent);
  r.accept_to_delivered = Summarize(to_delivered);
  r.webhook_lag = Summarize(lag);
  if (r.delivered > 0) {
    r.delivery_window_s =
        std::max<double>(0, static_cast<double>(last_delivered_ms * 1000 - first_accept_us_) / 1e6);
    r.delivered_per_s =
        r.delivery_window_s > 0 ? static_cast<double>(r.delivered) / r.delivery_window_s : 0;
  }
}

}  // namespace deliverer::loadgen
