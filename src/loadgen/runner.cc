#include "loadgen/runner.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "auth/signature.h"
#include "loadgen/message_gen.h"
#include "loadgen/observe.h"
#include "loadgen/probe.h"
#include "loadgen/replies.h"
#include "loadgen/schedule.h"
#include "loadgen/sender.h"
#include "loadgen/time_base.h"
#include "loadgen/tracker.h"
#include "loadgen/webhook_receiver.h"

namespace deliverer::loadgen {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr auto kReadyWithin = std::chrono::milliseconds(15'000);
constexpr auto kSampleInterval = std::chrono::milliseconds(250);
constexpr auto kDrainPoll = std::chrono::milliseconds(20);
// How old a webhook signature may be; the gateway signs right before it POSTs.
constexpr int64_t kSignatureMaxAgeS = 300;

double Seconds(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string RunId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string id;
  for (int i = 0; i < 8; ++i) id += kHex[device() & 0xF];
  return id;
}

// CPU seconds of the bench and of the spawned processes at one moment.
struct CpuSnapshot {
  double self = 0;
  std::optional<double> serve, sim, api;
  std::map<std::string, double> serve_threads;
};

CpuSnapshot TakeCpu(const RunTarget& target) {
  CpuSnapshot s{SelfCpuSeconds(), std::nullopt, std::nullopt, {}};
  if (target.serve_pid > 0) {
    s.serve = ProcessCpuSeconds(target.serve_pid);
    s.serve_threads = ThreadCpuSecondsByName(target.serve_pid);
  }
  if (target.sim_pid > 0) s.sim = ProcessCpuSeconds(target.sim_pid);
  if (target.api_pid > 0) s.api = ProcessCpuSeconds(target.api_pid);
  return s;
}

// Per thread name, busiest first; a thread started during the window counts from zero.
std::vector<ThreadCores> ThreadCoresOf(const std::map<std::string, double>& from,
                                       const std::map<std::string, double>& to, double window_s) {
  std::vector<ThreadCores> out;
  if (window_s <= 0) return out;
  for (const auto& [name, seconds] : to) {
    const auto before = from.find(name);
    const double used = seconds - (before == from.end() ? 0.0 : before->second);
    out.push_back(ThreadCores{name, std::max(0.0, used) / window_s});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ThreadCores& a, const ThreadCores& b) { return a.cores > b.cores; });
  return out;
}

std::optional<double> Cores(const std::optional<double>& from, const std::optional<double>& to,
                            double window_s) {
  if (!from || !to || window_s <= 0) return std::nullopt;
  return (*to - *from) / window_s;
}

class Run {
 public:
  Run(const Settings& settings, const RunTarget& target)
      : settings_(settings),
        target_(target),
        schedule_(settings.plan),
        receiver_(io_, [this](std::string_view body,
                              std::string_view signature) { OnWebhook(body, signature); }),
        signals_(io_, SIGINT, SIGTERM) {}

  Result<Report> Go() {
    std::optional<Status> outcome;
    asio::co_spawn(io_, Main(), [&](std::exception_ptr error, Status status) {
      outcome =
          error ? Status(Error::Of("internal", "the run failed unexpectedly")) : std::move(status);
    });
    io_.run();
    if (!outcome || !outcome->ok())
      return outcome ? outcome->error() : Error::Of("internal", "the run did not end");
    return report_;
  }

 private:
  awaitable<Status> Main();
  awaitable<Status> Prepare(tcp::endpoint& endpoint);
  awaitable<void> Drain(SteadyTime send_end);
  void OnWebhook(std::string_view body, std::string_view signature);
  void WatchSignals();
  void FillConfig();
  void FillFigures(SteadyTime start, SteadyTime send_end, const CpuSnapshot& cpu_start,
                   const CpuSnapshot& cpu_end);

  const Settings& settings_;
  const RunTarget& target_;
  asio::io_context io_{1};
  const TimeBase time_base_;
  Schedule schedule_;
  Tracker tracker_;
  ReplyParser webhook_parser_;
  std::optional<MessageGenerator> generator_;
  WebhookReceiver receiver_;
  asio::signal_set signals_;
  std::unique_ptr<Sender> sender_;
  std::unique_ptr<GatewayWatch> watch_;
  Report report_;
  bool stopping_ = false;
};

void Run::WatchSignals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    stopping_ = true;
    if (sender_) sender_->Stop();
  });
}

void Run::OnWebhook(std::string_view body, std::string_view signature) {
  const int64_t arrival_us = time_base_.UnixMicros(std::chrono::steady_clock::now());
  if (!target_.webhook_secret.empty() &&
      !auth::VerifySignatureHeader(signature, target_.webhook_secret, body, arrival_us / 1'000'000,
                                   kSignatureMaxAgeS)) {
    tracker_.OnBadSignature();  // still timed: the figures matter more than the sender here
  }
  const auto event = webhook_parser_.Webhook(body);
  const auto seq = event ? generator_->SeqOf(event->client_ref) : std::nullopt;
  if (!seq) {
    tracker_.OnForeignWebhook();
    return;
  }
  tracker_.OnWebhook(*seq, event->status, event->at_ms, arrival_us);
}

// Resolves the gateway, starts the webhook receiver, waits for a spawned gateway to be
// ready and opens the connections: everything that must not be timed.
awaitable<Status> Run::Prepare(tcp::endpoint& endpoint) {
  tcp::resolver resolver(io_);
  boost::system::error_code ec;
  auto resolved =
      co_await resolver.async_resolve(target_.target.host, std::to_string(target_.target.port),
                                      asio::redirect_error(use_awaitable, ec));
  if (ec || resolved.empty())
    co_return Error::Of("unreachable", "cannot resolve " + target_.target.host);
  endpoint = resolved.begin()->endpoint();
  std::string callback_url;
  if (settings_.track) {
    auto bound = receiver_.Listen(settings_.webhook_listen);
    if (!bound.ok()) co_return bound.error();
    callback_url = Target{settings_.webhook_listen.host, bound->port()}.ToUrl() + "/hook";
    receiver_.Start();
  }
  generator_.emplace(GeneratorOptions{settings_.mix, callback_url, RunId()});
  const std::string host_header = target_.target.HostPort();
  if (target_.watch) {
    auto watched = co_await resolver.async_resolve(target_.watch->host, std::to_string(target_.watch->port),
                                                   asio::redirect_error(use_awaitable, ec));
    if (ec || watched.empty()) co_return Error::Of("unreachable", "cannot resolve " + target_.watch->host);
    watch_ = std::make_unique<GatewayWatch>(io_, watched.begin()->endpoint(), target_.watch->HostPort());
  } else {
    watch_ = std::make_unique<GatewayWatch>(io_, endpoint, host_header);
  }
  if (target_.spawned && !co_await watch_->WaitReady(kReadyWithin)) {
    co_return Error::Of("not_ready",
                        "the spawned gateway's /readyz did not answer 200 within 15 s");
  }
  co_await watch_->Baseline();
  SenderOptions options{endpoint,        host_header,      target_.api_key, settings_.connections,
                        settings_.batch, settings_.timeout};
  sender_ = std::make_unique<Sender>(io_, std::move(options), schedule_, *generator_, tracker_,
                                     time_base_);
  co_return co_await sender_->Connect();
}

// Tracking: until every accepted message has its final webhook. Not tracking: until the
// gateway's own delivered counter has grown by the messages accepted (other traffic on
// the gateway may end this early), when /metrics can be read; else no wait.
awaitable<void> Run::Drain(SteadyTime send_end) {
  auto pending = [this] {
    if (settings_.track) return tracker_.outstanding() > 0;
    const auto delivered = watch_->DeliveredSoFar();
    return delivered && *delivered < tracker_.accepted();
  };
  asio::steady_timer timer(io_);
  const SteadyTime deadline = send_end + settings_.drain_timeout;
  while (!stopping_ && pending() && std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ignored;
    timer.expires_after(kDrainPoll);
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ignored));
  }
  report_.drain_s = Seconds(send_end, std::chrono::steady_clock::now());
  report_.drain_timed_out = !stopping_ && pending();
}

awaitable<Status> Run::Main() {
  WatchSignals();
  tcp::endpoint endpoint;
  Status prepared = co_await Prepare(endpoint);
  if (!prepared.ok()) {
    receiver_.Close();
    signals_.cancel();
    co_return prepared;
  }
  const CpuSnapshot cpu_start = TakeCpu(target_);
  const SteadyTime start = std::chrono::steady_clock::now();
  watch_->StartSampling(start, kSampleInterval);
  co_await sender_->Run(start);
  const SteadyTime send_end = std::chrono::steady_clock::now();
  const CpuSnapshot cpu_end = TakeCpu(target_);
  co_await Drain(send_end);
  co_await watch_->Finish();
  receiver_.Close();
  signals_.cancel();
  FillConfig();
  FillFigures(start, send_end, cpu_start, cpu_end);
  co_return Status::Ok();
}

void Run::FillFigures(SteadyTime start, SteadyTime send_end, const CpuSnapshot& cpu_start,
                      const CpuSnapshot& cpu_end) {
  tracker_.Fill(report_);
  if (!settings_.track) report_.outstanding = 0;  // nothing was awaited per message
  report_.send_window_s = Seconds(start, sender_->last_answer());
  report_.accepted_per_s =
      report_.send_window_s > 0 ? static_cast<double>(report_.accepted) / report_.send_window_s : 0;
  const uint64_t due = schedule_.SlotsDueWithinDuration();
  if (!stopping_ && due > report_.requests_sent) {
    report_.unsent_behind_schedule = (due - report_.requests_sent) * schedule_.per_request();
  }
  report_.gateway = watch_->Figures();
  const double window_s = Seconds(start, send_end);
  report_.cpu.window_s = window_s;
  report_.cpu.loadgen_cores = window_s > 0 ? (cpu_end.self - cpu_start.self) / window_s : 0;
  report_.cpu.serve_cores = Cores(cpu_start.serve, cpu_end.serve, window_s);
  report_.cpu.sim_cores = Cores(cpu_start.sim, cpu_end.sim, window_s);
  report_.cpu.api_cores = Cores(cpu_start.api, cpu_end.api, window_s);
  report_.cpu.serve_threads = ThreadCoresOf(cpu_start.serve_threads, cpu_end.serve_threads, window_s);
  if (target_.serve_pid > 0) report_.cpu.serve_peak_rss_mib = ProcessPeakRssMib(target_.serve_pid);
}

void Run::FillConfig() {
  Report& r = report_;
  r.url = target_.target.ToUrl();
  r.spawned = target_.spawned;
  r.connections = settings_.connections;
  r.rate = settings_.plan.rate;
  r.duration_s =
      settings_.plan.duration ? std::chrono::duration<double>(*settings_.plan.duration).count() : 0;
  r.count = settings_.plan.count.value_or(0);
  r.batch = settings_.batch ? settings_.plan.per_request : 0;
  r.mix = MixToString(settings_.mix);
  r.track = settings_.track;
  r.signatures_checked = settings_.track && !target_.webhook_secret.empty();
}

}  // namespace

Result<Report> RunLoad(const Settings& settings, const RunTarget& target) {
  Run run(settings, target);
  return run.Go();
}

}  // namespace deliverer::loadgen
