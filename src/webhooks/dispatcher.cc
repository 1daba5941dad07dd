#include "webhooks/dispatcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

#include "auth/signature.h"
#include "common/log.h"
#include "common/backoff.h"
#include "common/ids.h"
#include "common/thread_name.h"
#include "common/unhandled.h"
#include "httpc/tls_client.h"
#include "webhooks/http_post.h"
#include "webhooks/payload.h"

namespace deliverer::webhooks {

namespace asio = boost::asio;

namespace {
// Producers' endpoints are verified against the system's trust store, always.
std::unique_ptr<asio::ssl::context> MakeTls() {
  auto context = httpc::MakeClientTlsContext({.verify = true, .ca_file = ""});
  if (context.ok()) return std::move(*context);
  log::Error("webhooks", "{}; HTTPS callbacks will fail", context.error().detail);
  auto fallback = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  fallback->set_verify_mode(asio::ssl::verify_peer);
  return fallback;
}
}  // namespace

Dispatcher::Dispatcher(DispatcherOptions options, store::OutboxStore& store,
                       metrics::Registry& metrics, const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      metrics_(metrics),
      clock_(clock),
      tls_(MakeTls()),
      poster_(*tls_, options_.allow_private, options_.timeout),
      timer_(io_),
      random_(static_cast<uint64_t>(clock.NowUnixMillis())),
      posting_gauge_(metrics.Gauge("deliverer_webhook_posts_in_flight",
                                   "Producer webhook POSTs under way ([webhooks] max_in_flight at most)")),
      waiting_gauge_(metrics.Gauge("deliverer_webhook_events_queued",
                                   "Webhook events read from the outbox and waiting in memory for a slot")) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  store_.SetWebhookListener([this](std::vector<store::WebhookJob> jobs) {
    asio::post(io_, [this, jobs = std::move(jobs)]() mutable { Offer(std::move(jobs)); });
  });
  asio::post(io_, [this] { Poll(); });
  thread_ = std::thread([this] {
    NameThisThread("webhooks");
    RunGuarded(io_, "webhooks");
  });
}

void Dispatcher::Stop() {
  if (!thread_.joinable()) return;
  store_.SetWebhookListener({});  // once it returns, no more events are posted to io_
  asio::post(io_, [this] {
    stopping_ = true;
    timer_.cancel();
  });
  thread_.join();
}

template <class Make>
void Dispatcher::QueueOps(int64_t at_ms, Make make) {
  if (options_.ops_url.empty()) return;
  const std::string event_id = NewUuidV7(at_ms);
  std::string body = make(event_id);
  asio::post(io_, [this, event_id, body = std::move(body)]() mutable {
    if (stopping_) return;
    ops_.push_back(OpsEvent{event_id, std::move(body), 0, 0, false});
  });
}

void Dispatcher::OnCircuitEvent(const routing::CircuitEvent& event) {
  QueueOps(event.at_ms, [&](const std::string& event_id) { return OpsEventJson(event, event_id); });
}

void Dispatcher::OnCanaryEvent(const routing::CanaryEvent& event) {
  QueueOps(event.at_ms, [&](const std::string& event_id) { return CanaryEventJson(event, event_id); });
}

void Dispatcher::DeliverOps(OpsEvent& event) {
  event.in_flight = true;
  auto run = [this, &event]() -> asio::awaitable<void> {
    PostRequest request;
    request.url = options_.ops_url;
    request.body = event.body;
    request.event_id = event.event_id;
    request.signature = auth::SignatureHeader(options_.signing_secret, clock_.NowUnixMillis() / 1000, request.body,
                                              options_.previous_signing_secret);
    PostOutcome outcome = co_await poster_.Post(request);
    event.in_flight = false;
    ++event.attempts;
    metrics_.Counter("deliverer_ops_webhook_deliveries_total", "Operators' webhook attempts",
                     {{"outcome", outcome.ok() ? "delivered" : "failed"}}).Inc();
    if (outcome.ok() || event.attempts >= kOpsAttempts) {
      if (!outcome.ok()) log::Warn("webhooks", "ops event {} given up after {} attempts", event.event_id, event.attempts);
      ops_.remove_if([&](const OpsEvent& e) { return &e == &event; });
      co_return;
    }
    event.next_at_ms = clock_.NowUnixMillis() + FullJitter(event.attempts, options_.backoff_base, Millis(30'000), random_).count();
  };
  // A throw leaves the event in the list to be tried again at the next poll.
  asio::co_spawn(io_, std::move(run), LogUnhandled("webhooks", [&event] { event.in_flight = false; }));
}

void Dispatcher::Poll() {
  if (stopping_) return;
  // Collected first: a delivery that fails at once removes its event from the list.
  std::vector<OpsEvent*> due;
  for (OpsEvent& event : ops_) {
    if (!event.in_flight && event.next_at_ms <= clock_.NowUnixMillis()) due.push_back(&event);
  }
  for (OpsEvent* event : due) DeliverOps(*event);
  poster_.CloseIdle(std::chrono::steady_clock::now());
  backlog_ = false;
  // New events found: more are likely to follow soon. Only events already on their way
  // (a slow receiver) are no reason to read the outbox again so often.
  bool busy = false;
  if (waiting_total_ < MaxWaiting() / 2) {
    const std::vector<std::string> full = FullAccounts();
    // The read skips full accounts' events: some may be due, so read again as they drain.
    if (!full.empty()) backlog_ = true;
    // Room past the events taken and not recorded yet, which the read returns again first;
    // a slot's worth at a time, so a read costs the same however long the backlog.
    const size_t limit = unrecorded_.size() + std::min(MaxWaiting() - waiting_total_, options_.max_concurrent);
    auto due = store_.DueWebhooks(clock_.NowUnixMillis(), static_cast<int>(limit), full);
    if (due.ok()) {
      for (store::WebhookJob& job : *due) {
        if (unrecorded_.contains(job.event_id)) continue;
        if (waiting_total_ >= MaxWaiting()) {
          backlog_ = true;
          break;
        }
        if (!Take(std::move(job))) backlog_ = true;  // its account is full: read again later
        else busy = true;
      }
      if (due->size() == limit) backlog_ = true;
    } else {
      log::Warn("webhooks", "cannot read the outbox: {}", due.error().code);
    }
  } else {
    backlog_ = true;
  }
  StartWaiting();
  ArmPoll(busy ? options_.busy_poll_interval : options_.poll_interval);
}

void Dispatcher::Offer(std::vector<store::WebhookJob> jobs) {
  if (stopping_) return;
  bool taken = false;
  for (store::WebhookJob& job : jobs) {
    // A read may have taken it first: the reader sees a commit before it is synced. Its
    // outcome cannot have been recorded yet, since that commit finishes after this one.
    if (unrecorded_.contains(job.event_id)) continue;
    if (waiting_total_ < MaxWaiting() && Take(std::move(job))) {
      taken = true;
    } else {
      backlog_ = true;  // left for a read, once there is room
    }
  }
  if (taken) StartWaiting();
}

bool Dispatcher::Take(store::WebhookJob job) {
  size_t& taken = account_taken_[job.account];
  if (taken >= MaxTakenPerAccount()) return false;
  ++taken;
  ++waiting_total_;
  unrecorded_.insert(job.event_id);
  waiting_[job.account].push_back(std::move(job));
  return true;
}

void Dispatcher::StartWaiting() {
  start_posted_ = false;
  if (stopping_) return;  // what waits stays due in the outbox for the next start
  // Round robin from the account after the one served last, so that when the dispatcher's
  // own slots are the limit, no account comes first every time by its name.
  auto it = waiting_.upper_bound(last_served_);
  for (size_t visited = 0, accounts = waiting_.size(); visited < accounts && posting_ < options_.max_concurrent;
       ++visited) {
    if (it == waiting_.end()) it = waiting_.begin();
    last_served_ = it->first;
    size_t& posting = account_posting_[it->first];
    while (!it->second.empty() && posting < options_.max_per_account && posting_ < options_.max_concurrent) {
      store::WebhookJob job = std::move(it->second.front());
      it->second.pop_front();
      --waiting_total_;
      ++posting;
      ++posting_;
      Deliver(std::move(job));
    }
    if (posting == 0) account_posting_.erase(it->first);
    it = it->second.empty() ? waiting_.erase(it) : std::next(it);
  }
  posting_gauge_.Set(static_cast<double>(posting_));
  waiting_gauge_.Set(static_cast<double>(waiting_total_));
}

void Dispatcher::Release(const std::string& account) {
  if (auto it = account_posting_.find(account); it != account_posting_.end()) {
    if (--it->second == 0) account_posting_.erase(it);
    --posting_;
    posting_gauge_.Set(static_cast<double>(posting_));
  }
  if (auto it = account_taken_.find(account); it != account_taken_.end()) {
    // Half its share gone: read its next events now. While the account was full the
    // reads went past its events, which would cost a walk over its whole backlog.
    if (--it->second == MaxTakenPerAccount() / 2 && backlog_) ArmPoll(Millis(0));
    if (it->second == 0) account_taken_.erase(it);
  }
  // The account's next event goes out as soon as this one is answered, without waiting for
  // the outbox read; coalesced, and never from inside StartWaiting's own loop.
  if (!start_posted_ && waiting_total_ > 0) {
    start_posted_ = true;
    asio::post(io_, [this] { StartWaiting(); });
  }
}

std::vector<std::string> Dispatcher::FullAccounts() const {
  std::vector<std::string> full;
  for (const auto& [account, taken] : account_taken_) {
    if (taken >= MaxTakenPerAccount()) full.push_back(account);
  }
  return full;
}

void Dispatcher::ArmPoll(Millis delay) {
  if (stopping_) return;
  timer_.expires_after(delay);  // cancels the wait armed before, whose handler then returns
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Poll();
  });
}

std::optional<Dispatcher::SigningSecrets> Dispatcher::SecretsFor(const std::string& account) {
  const int64_t now_ms = clock_.NowUnixMillis();
  auto it = account_secrets_.find(account);
  if (it == account_secrets_.end() || now_ms - it->second.read_at_ms >= kAccountSecretTtl.count()) {
    auto read = store_.AccountWebhookSecret(account);
    if (read.ok()) {
      it = account_secrets_.insert_or_assign(account, CachedSecret{std::move(*read), now_ms}).first;
    } else {
      log::Warn("webhooks", "cannot read the webhook secret of account {}: {}", account,
                read.error().code);
      if (it == account_secrets_.end()) return std::nullopt;
      it->second.read_at_ms = now_ms;  // keep signing with what was read; retry after the TTL
    }
  }
  if (it->second.secret) return SigningSecrets{*it->second.secret, ""};
  return SigningSecrets{options_.signing_secret, options_.previous_signing_secret};
}

void Dispatcher::Deliver(store::WebhookJob job) {
  std::optional<SigningSecrets> secrets = SecretsFor(job.account);
  if (!secrets) {
    // Later, not here: StartWaiting, the caller, holds references into the slot counts.
    asio::post(io_, [this, job = std::move(job)] { Done(job, false, "the account's webhook secret cannot be read"); });
    return;
  }
  // Shared with the failure handler below.
  auto shared = std::make_shared<const store::WebhookJob>(std::move(job));
  auto run = [this, shared, secrets = std::move(*secrets)]() -> asio::awaitable<void> {
    const store::WebhookJob& job = *shared;
    PostRequest request;
    request.url = job.url;
    request.body = PayloadJson(job);
    request.event_id = job.event_id;
    // An account's own secret has no previous one: previous_signing_secret rotates the
    // global secret only.
    request.signature = auth::SignatureHeader(secrets.current, clock_.NowUnixMillis() / 1000,
                                              request.body, secrets.previous);
    PostOutcome outcome = co_await poster_.Post(request);
    Done(job, outcome.ok(), outcome.status != 0 ? "HTTP " + std::to_string(outcome.status) : outcome.error);
  };
  // A throw is a failed attempt: recorded, so the slot frees and the event is retried.
  asio::co_spawn(io_, std::move(run),
                 LogUnhandled("webhooks", [this, shared] { Done(*shared, false, "internal error"); },
                              shared->message_id));
}

void Dispatcher::Done(const store::WebhookJob& job, bool delivered, const std::string& why) {
  const int64_t now_ms = clock_.NowUnixMillis();
  int64_t next_at = 0;
  std::string outcome = delivered ? "delivered" : "failed";
  if (!delivered) {
    const int64_t delay = FullJitter(job.attempts + 1, options_.backoff_base, options_.backoff_cap,
                                               random_).count();
    if (now_ms + delay - job.at_ms <= options_.max_age.count()) {
      next_at = now_ms + std::max<int64_t>(delay, 100);
    } else {
      outcome = "given_up";
      log::WarnFor("webhooks", job.message_id, "webhook {} given up after {} attempts: {}", job.event_id,
                   job.attempts + 1, why);
    }
  }
  metrics_.Counter("deliverer_webhook_deliveries_total", "Producer webhook attempts", {{"outcome", outcome}}).Inc();
  Release(job.account);
  done_.push_back(store::WebhookDone{job.event_id, delivered, next_at});
  if (done_.size() == 1) asio::post(io_, [this] { FlushDone(); });
}

void Dispatcher::FlushDone() {
  if (done_.empty()) return;
  // Kept until recorded: a failed write leaves the events due in the outbox, and they must
  // not be read and POSTed again for want of their outcome (a receiver that took one
  // would get it twice).
  std::vector<store::WebhookDone> outcomes = done_;
  store_.CompleteWebhooks(std::move(done_), [this, outcomes = std::move(outcomes)](Status recorded) mutable {
    asio::post(io_, [this, outcomes = std::move(outcomes), recorded = std::move(recorded)]() mutable {
      if (!recorded.ok()) {
        log::Warn("webhooks", "cannot record {} webhook outcomes, trying again: {}", outcomes.size(),
                  recorded.error().code);
        RetryRecording(std::move(outcomes));
        return;
      }
      for (const store::WebhookDone& d : outcomes) unrecorded_.erase(d.event_id);
      // More are due: read them now rather than at the next tick, once fewer than half the
      // events taken are still waiting. One outbox read per recorded batch at most, and
      // only once the batch is recorded, so the read does not return the events just sent;
      // and not while an account is full, whose due events the read would walk past
      // (Release reads again when it has room).
      if (backlog_ && waiting_total_ < MaxWaiting() / 2 && FullAccounts().empty()) ArmPoll(Millis(0));
    });
  });
  done_.clear();
}

void Dispatcher::RetryRecording(std::vector<store::WebhookDone> outcomes) {
  if (stopping_) return;  // the events stay due in the outbox, for the next start
  const bool flush_posted = !done_.empty();
  for (store::WebhookDone& d : outcomes) done_.push_back(std::move(d));
  if (flush_posted) return;
  auto timer = std::make_shared<asio::steady_timer>(io_, options_.poll_interval);
  timer->async_wait([this, timer](const boost::system::error_code&) { FlushDone(); });
}

}  // namespace deliverer::webhooks
