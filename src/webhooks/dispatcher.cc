#include "webhooks/dispatcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "auth/signature.h"
#include "common/log.h"
#include "common/backoff.h"
#include "webhooks/http_post.h"
#include "webhooks/payload.h"

namespace deliverer::webhooks {

namespace asio = boost::asio;

Dispatcher::Dispatcher(DispatcherOptions options, store::DeliveryStore& store,
                       metrics::Registry& metrics, const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      metrics_(metrics),
      clock_(clock),
      tls_(asio::ssl::context::tls_client),
      timer_(io_),
      random_(static_cast<uint64_t>(clock.NowUnixMillis())) {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(asio::ssl::verify_peer);
  tls_.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                   asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  asio::post(io_, [this] { Poll(); });
  thread_ = std::thread([this] { io_.run(); });
}

void Dispatcher::Stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    stopping_ = true;
    timer_.cancel();
  });
  thread_.join();
}

void Dispatcher::Poll() {
  if (stopping_) return;
  if (in_flight_.size() < options_.max_concurrent) {
    auto due = store_.DueWebhooks(clock_.NowUnixMillis(), static_cast<int>(options_.max_concurrent * 2));
    if (due.ok()) {
      for (store::WebhookJob& job : *due) {
        if (in_flight_.size() >= options_.max_concurrent) break;
        if (in_flight_.insert(job.event_id).second) Deliver(std::move(job));
      }
    } else {
      log::Warn("webhooks", "cannot read the outbox: {}", due.error().code);
    }
  }
  timer_.expires_after(options_.poll_interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Poll();
  });
}

void Dispatcher::Deliver(store::WebhookJob job) {
  auto run = [this, job = std::move(job)]() -> asio::awaitable<void> {
    PostRequest request;
    request.url = job.url;
    request.body = PayloadJson(job);
    request.event_id = job.event_id;
    request.signature = auth::SignatureHeader(options_.signing_secret, clock_.NowUnixMillis() / 1000, request.body);
    PostOutcome outcome = co_await Post(request, tls_, options_.allow_private, options_.timeout);
    Done(job, outcome.ok(), outcome.status != 0 ? "HTTP " + std::to_string(outcome.status) : outcome.error);
  };
  asio::co_spawn(io_, std::move(run), asio::detached);
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
  store_.CompleteWebhooks({store::WebhookDone{job.event_id, delivered, next_at}},
                          [this, event_id = job.event_id](Status) {
                            asio::post(io_, [this, event_id] { in_flight_.erase(event_id); });
                          });
}

}  // namespace deliverer::webhooks
