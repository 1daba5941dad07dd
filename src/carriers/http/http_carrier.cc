#include "carriers/http/http_carrier.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "carriers/http/http_protocol.h"
#include "common/backoff.h"
#include "common/log.h"
#include "httpc/tls_client.h"
#include "common/unhandled.h"

namespace deliverer::carriers::http {

namespace asio = boost::asio;

namespace {
constexpr std::string_view kComponent = "carrier";
// Reopen rather than reuse a connection idle this long: many servers drop idle
// keep-alive connections after 5 s, and a request written into a connection the server
// has just closed comes back unanswered, an unknown outcome.
constexpr Millis kIdleClose{4'000};

bool IsConnectFailure(const httpc::Outcome& outcome) {
  if (outcome.written || outcome.status != 0) return false;
  const std::string& e = outcome.error;
  return e.starts_with("connect") || e.starts_with("resolve") || e.starts_with("tls") ||
         e == "forbidden_address";
}
}  // namespace

Result<std::unique_ptr<HttpCarrier>> HttpCarrier::Create(asio::any_io_executor executor, HttpCarrierOptions options,
                                                         CarrierListener& listener, const Clock& clock) {
  std::optional<validation::Url> url = validation::ParseUrl(options.url);
  if (!url) return Error{"invalid_url", "carrier " + options.id + ": url is not an http(s) URL"};
  std::unique_ptr<asio::ssl::context> tls;
  if (url->tls) {
    auto made = httpc::MakeClientTlsContext({options.tls_verify, options.tls_ca_file});
    if (!made.ok()) return made.take_error();
    tls = std::move(*made);
  }
  return std::unique_ptr<HttpCarrier>(
      new HttpCarrier(std::move(executor), std::move(options), std::move(*url), std::move(tls), listener, clock));
}

HttpCarrier::HttpCarrier(asio::any_io_executor executor, HttpCarrierOptions options, validation::Url url,
                         std::unique_ptr<asio::ssl::context> tls, CarrierListener& listener, const Clock& clock)
    : executor_(executor),
      options_(std::move(options)),
      url_(std::move(url)),
      tls_(std::move(tls)),
      listener_(listener),
      clock_(clock),
      rate_(options_.tps),
      probe_timer_(executor),
      drain_timer_(executor),
      random_(static_cast<uint64_t>(clock.NowUnixMillis())) {
  httpc::ConnectionOptions connection;
  connection.url = url_;
  connection.tls = tls_.get();
  connection.tls_verify = options_.tls_verify;
  connection.allow_private = options_.api.allow_private;
  connection.timeout = options_.timeout;
  connection.idle_close = kIdleClose;
  for (int i = 0; i < std::max(1, options_.api.connections); ++i) {
    auto worker = std::make_unique<Worker>();
    worker->connection = std::make_unique<httpc::Connection>(executor_, connection);
    worker->timer = std::make_unique<asio::steady_timer>(executor_);
    workers_.push_back(std::move(worker));
  }
  probe_connection_ = std::make_unique<httpc::Connection>(executor_, connection);
}

HttpCarrier::~HttpCarrier() = default;

void HttpCarrier::Start() {
  for (auto& worker : workers_) {
    ++tasks_;
    asio::co_spawn(executor_, Work(*worker), LogUnhandled("carrier", [this] { TaskEnded(); }));
  }
  probing_ = true;
  ++tasks_;
  asio::co_spawn(executor_, Probe(), ProbeFailed());
}

void HttpCarrier::Stop(Millis drain, std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  FailQueued("carrier stopping");
  for (auto& worker : workers_) worker->timer->cancel();
  probe_timer_.cancel();
  probe_connection_->Close();
  if (in_flight_ > 0) {
    // Answers still due after the drain are abandoned: closing reports them unknown.
    drain_timer_.expires_after(drain);
    drain_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      for (auto& worker : workers_) worker->connection->Close();
    });
  }
  if (tasks_ == 0) TaskEnded();
}

bool HttpCarrier::CanSubmit() const { return !stopping_ && up_ && queue_.size() < workers_.size(); }

void HttpCarrier::Submit(CarrierSubmit submit, SubmitCallback done) {
  if (stopping_ || !up_) {
    asio::post(executor_, [done = std::move(done)] {
      done(SubmitReport{.kind = SubmitReport::Kind::kNotSent, .detail = "carrier not connected"});
    });
    return;
  }
  ++submitted_;
  queue_.push_back(Queued{std::move(submit), std::move(done)});
  WakeOne();
}

void HttpCarrier::WakeOne() {
  for (auto& worker : workers_) {
    if (worker->waiting) {
      worker->waiting = false;
      worker->timer->cancel();
      return;
    }
  }
}

asio::awaitable<void> HttpCarrier::Work(Worker& worker) {
  boost::system::error_code ec;
  while (!stopping_) {
    if (!up_ || queue_.empty()) {
      worker.waiting = true;
      worker.timer->expires_at(asio::steady_timer::time_point::max());
      co_await worker.timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      worker.waiting = false;
      continue;
    }
    const TimePoint now = clock_.Now();
    if (!rate_.TryTake(now)) {
      const TimePoint next = rate_.NextToken(now);
      const Millis wait = next == TimePoint::max()
                              ? Millis(1000)
                              : std::max(Millis(1), std::chrono::duration_cast<Millis>(next - now));
      worker.timer->expires_after(wait);
      co_await worker.timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    Queued item = std::move(queue_.front());
    queue_.pop_front();
    ++in_flight_;
    SubmitReport report;
    try {
      report = co_await Send(worker, item.submit);
    } catch (...) {
      // The request may have gone out: unknown, like a lost answer.
      ReportUnhandled("carrier", std::current_exception(), item.submit.message_id);
      worker.connection->Close();
      report = SubmitReport{.kind = SubmitReport::Kind::kUnknown, .detail = "internal error"};
    }
    --in_flight_;
    if (report.kind == SubmitReport::Kind::kAccepted) ++accepted_; else ++failed_;
    item.done(std::move(report));
  }
  TaskEnded();
}

asio::awaitable<SubmitReport> HttpCarrier::Send(Worker& worker, const CarrierSubmit& submit) {
  httpc::Request request = httpc::MakePost(url_, BuildBody(options_.api, submit), ContentType(options_.api));
  if (!options_.token.empty()) {
    const std::string& scheme = options_.api.auth_scheme;
    request.set(options_.api.auth_header, scheme.empty() ? options_.token : scheme + " " + options_.token);
  }
  httpc::Outcome outcome = co_await worker.connection->Exchange(std::move(request));
  if (outcome.status == 0) {
    if (IsConnectFailure(outcome)) MarkDown(outcome.error);
    co_return SubmitReport{.kind = outcome.written ? SubmitReport::Kind::kUnknown : SubmitReport::Kind::kNotSent,
                           .detail = outcome.error};
  }
  if (outcome.status == 429) {
    rate_.OnThrottled(clock_.Now());
  } else {
    rate_.OnAnswered(clock_.Now());
  }
  SubmitReport report = Classify(options_.api, options_.id_match, outcome.status, outcome.body, submit.message_id);
  if (report.kind == SubmitReport::Kind::kAccepted && report.accepted.front().carrier_id.empty()) {
    log::Warn(kComponent, "{}: {}; its receipt cannot be matched", options_.id, report.detail);
  }
  co_return report;
}

asio::awaitable<void> HttpCarrier::Probe() {
  boost::system::error_code ec;
  int attempt = 0;
  while (!stopping_) {
    const std::string error = co_await probe_connection_->Connect();
    probe_connection_->Close();
    if (stopping_) break;
    if (error.empty()) {
      MarkUp();
      break;
    }
    ++attempt;
    if (attempt == 1 || attempt % 10 == 0) {
      log::Warn(kComponent, "{}: cannot reach {}:{} ({}), attempt {}", options_.id, url_.host, url_.port, error,
                attempt);
    }
    probe_timer_.expires_after(
        FullJitter(attempt, options_.reconnect_min, options_.reconnect_max, random_, options_.reconnect_min / 2));
    co_await probe_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  probing_ = false;
  TaskEnded();
}

LogUnhandled HttpCarrier::ProbeFailed() {
  return LogUnhandled("carrier", [this] {
    probing_ = false;
    TaskEnded();
  });
}

void HttpCarrier::MarkUp() {
  if (up_ || stopping_) return;
  up_ = true;
  log::Info(kComponent, "{}: up, {} connections to {}:{}", options_.id, workers_.size(), url_.host, url_.port);
  listener_.OnLinkChange(options_.id, static_cast<int>(workers_.size()));
  for (size_t i = 0; i < queue_.size() && i < workers_.size(); ++i) WakeOne();
}

void HttpCarrier::MarkDown(const std::string& why) {
  if (!up_) return;
  up_ = false;
  log::Warn(kComponent, "{}: down ({})", options_.id, why);
  listener_.OnLinkChange(options_.id, 0);
  FailQueued("carrier not connected");
  if (probing_ || stopping_) return;
  probing_ = true;
  ++tasks_;
  asio::co_spawn(executor_, Probe(), ProbeFailed());
}

void HttpCarrier::FailQueued(std::string_view why) {
  std::deque<Queued> queued = std::move(queue_);
  queue_.clear();
  for (Queued& item : queued) {
    ++failed_;
    asio::post(executor_, [done = std::move(item.done), detail = std::string(why)] {
      done(SubmitReport{.kind = SubmitReport::Kind::kNotSent, .detail = detail});
    });
  }
}

void HttpCarrier::TaskEnded() {
  if (tasks_ > 0) --tasks_;
  if (!stopping_ || tasks_ > 0 || !stopped_) return;
  drain_timer_.cancel();
  for (auto& worker : workers_) worker->connection->Close();
  asio::post(executor_, std::move(stopped_));
  stopped_ = nullptr;
}

CarrierState HttpCarrier::State() const {
  CarrierState state;
  state.id = options_.id;
  state.protocol = "http";
  state.links = static_cast<int>(workers_.size());
  state.links_up = up_ ? state.links : 0;
  state.tps_limit = rate_.configured_tps();
  state.tps_current = rate_.current_tps();
  state.in_flight = in_flight_ + queue_.size();
  state.submitted = submitted_;
  state.accepted = accepted_;
  state.failed = failed_;
  return state;
}

}  // namespace deliverer::carriers::http
