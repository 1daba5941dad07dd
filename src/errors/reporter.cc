#include "errors/reporter.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/ids.h"
#include "common/log.h"
#include "common/random_bytes.h"
#include "common/thread_name.h"
#include "errors/crash.h"
#include "httpc/tls_client.h"

#ifndef DELIVERER_VERSION
#error "DELIVERER_VERSION must be the project's version"
#endif

namespace deliverer::errors {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kComponent = "errors";
constexpr std::string_view kMetric = "deliverer_error_reports_total";
constexpr std::string_view kHelp = "Internal error and crash reports to Sentry, by outcome";

// 32 lower-case hex digits, as Sentry spells event ids.
std::string NewEventId() {
  EnsureCryptoReady();
  unsigned char bytes[16];
  FillRandom(bytes, sizeof bytes);
  return fmt::format("{:02x}", fmt::join(bytes, ""));
}

Event EventOf(const ErrorReport& error, const std::string& release, int64_t now_ms) {
  Event event;
  event.component = TagValue(error.component);
  event.type = Scrub(error.type);
  event.message = Scrub(error.message);
  event.correlation_id = TagValue(error.correlation_id);
  event.unix_millis = now_ms;
  event.release = release;
  return event;
}

Event EventOf(const CrashRecord& crash, const std::string& release) {
  Event event;
  event.level = Level::kFatal;
  event.component = crash.thread.empty() ? "process" : crash.thread;
  event.type = SignalName(crash.signal);
  event.message = fmt::format("fatal signal {} ({}) on thread {}", crash.signal, event.type, event.component);
  event.signal = crash.signal;
  event.unix_millis = crash.unix_millis;
  event.release = crash.release.empty() ? release : crash.release;
  return event;
}

// Only a regular file, and only its first KiB (a record is at most 512 bytes): a FIFO or a
// link to /dev/zero planted under the record's name must not hold or flood the start.
std::optional<CrashRecord> ReadCrashRecord(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, ec)) || ec) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::string text(1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return ParseCrashRecord(text);
}

std::unique_ptr<asio::ssl::context> TlsFor(const Dsn& dsn) {
  if (!dsn.envelope_url.tls) return nullptr;
  auto made = httpc::MakeClientTlsContext({});
  if (made.ok()) return std::move(*made);
  log::Error(kComponent, "{}: error reports over HTTPS will fail", made.error().detail);
  return nullptr;
}

}  // namespace

std::string_view Version() { return DELIVERER_VERSION; }
std::string Release() { return "deliverer@" + std::string(Version()); }

Reporter::Reporter(Options options, metrics::Registry& registry, Clock& clock)
    : options_(std::move(options)),
      auth_header_(AuthHeader(options_.dsn, Version())),
      clock_(clock),
      sent_(registry.Counter(kMetric, kHelp, {{"outcome", "sent"}})),
      dropped_(registry.Counter(kMetric, kHelp, {{"outcome", "dropped"}})),
      failed_(registry.Counter(kMetric, kHelp, {{"outcome", "failed"}})),
      tls_(TlsFor(options_.dsn)) {}

Reporter::~Reporter() { Stop(); }

void Reporter::Start() {
  QueueCrashRecords();
  const validation::Url& url = options_.dsn.envelope_url;
  log::Info(kComponent, "internal errors and crashes are reported to {}:{} (project {})", url.host, url.port,
            options_.dsn.project_id);
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] {
    NameThisThread("errors");
    RunGuarded(io_, kComponent);
  });
  asio::post(io_, [this] { Kick(); });
  SetErrorSink([this](const ErrorReport& error) { Report(error); });
}

void Reporter::Report(const ErrorReport& error) {
  Pending pending{EventOf(error, options_.release, clock_.NowUnixMillis()), ""};
  if (Enqueue(std::move(pending), /*throttled=*/true)) asio::post(io_, [this] { Kick(); });
}

// False, counted as dropped, when it cannot be queued.
bool Reporter::Enqueue(Pending pending, bool throttled) {
  const Event& e = pending.event;
  const std::string fingerprint = e.component + '\n' + e.type + '\n' + e.message;
  {
    common::MutexLock lock(mutex_);
    // Room first: an event dropped for want of it must not use a token or silence its
    // fingerprint for the throttle's memory.
    const bool room = !stopped_ && queue_.size() < kQueueCapacity;
    if (room && (!throttled || throttle_.Admit(fingerprint, clock_.NowUnixMillis()))) {
      queue_.push_back(std::move(pending));
      return true;
    }
  }
  Count(Outcome::kDropped);
  return false;
}

// The newest kMaxCrashRecords records; older ones, and files that are no record, go.
void Reporter::QueueCrashRecords() {
  if (options_.crash_directory.empty()) return;
  std::vector<std::string> files = ListCrashRecords(options_.crash_directory);
  std::error_code ignored;
  while (files.size() > kMaxCrashRecords) {
    log::Warn(kComponent, "more than {} crash records: the oldest is deleted unsent", kMaxCrashRecords);
    std::filesystem::remove(files.front(), ignored);
    files.erase(files.begin());
  }
  for (const std::string& file : files) {
    const std::optional<CrashRecord> crash = ReadCrashRecord(file);
    if (!crash) {
      log::Warn(kComponent, "{} is not a complete crash record: deleted", file);
      std::filesystem::remove(file, ignored);
      continue;
    }
    log::Warn(kComponent, "the previous run ended on signal {} ({}): reporting it", crash->signal,
              SignalName(crash->signal));
    Enqueue(Pending{EventOf(*crash, options_.release), file}, /*throttled=*/false);
  }
}

std::optional<Reporter::Pending> Reporter::Take() {
  common::MutexLock lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  Pending next = std::move(queue_.front());
  queue_.pop_front();
  return next;
}

void Reporter::Kick() {
  if (sending_ || finished_) return;
  sending_ = true;
  asio::co_spawn(io_, SendAll(), LogUnhandled(std::string(kComponent), [this] { sending_ = false; }));
}

asio::awaitable<void> Reporter::SendAll() {
  for (std::optional<Pending> next; !finished_ && (next = Take());) {
    Outcome outcome = Outcome::kDropped;  // within a minute of a 429
    if (clock_.NowUnixMillis() >= paused_until_ms_) outcome = co_await Send(next->event);
    Settle(std::move(*next), outcome);
  }
  sending_ = false;
  if (stopping_) Finish();
}

asio::awaitable<Reporter::Outcome> Reporter::Send(const Event& event) {
  if (!connection_) {
    httpc::ConnectionOptions connection{.url = options_.dsn.envelope_url, .tls = tls_.get()};
    connection.timeout = options_.timeout;
    connection.body_limit = 16 * 1024;
    connection_ = std::make_unique<httpc::Connection>(io_.get_executor(), std::move(connection));
  }
  const std::string body = Envelope(event, NewEventId(), options_.environment, clock_.NowUnixMillis());
  httpc::Request request = httpc::MakePost(options_.dsn.envelope_url, body, "application/x-sentry-envelope");
  request.set("X-Sentry-Auth", auth_header_);
  const httpc::Outcome answer = co_await connection_->Exchange(std::move(request));
  if (answer.ok()) co_return Outcome::kSent;
  if (answer.status == 429) paused_until_ms_ = clock_.NowUnixMillis() + kPauseAfter429.count();
  log::Warn(kComponent, "an error report was not accepted: {}",
            answer.status != 0 ? fmt::format("HTTP {}", answer.status) : answer.error);
  co_return Outcome::kFailed;
}

void Reporter::Settle(Pending pending, Outcome outcome) {
  Count(outcome);
  if (pending.crash_file.empty()) return;
  if (outcome != Outcome::kSent) return RetryCrashLater(std::move(pending));
  std::error_code ignored;
  std::filesystem::remove(pending.crash_file, ignored);
}

// Queued again after kCrashRetry; the file stays for the next start meanwhile.
void Reporter::RetryCrashLater(Pending pending) {
  if (stopping_) return;
  const bool armed = !crash_retries_.empty();
  crash_retries_.push_back(std::move(pending));
  if (armed) return;
  crash_retry_.expires_after(kCrashRetry);
  crash_retry_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    for (Pending& retry : crash_retries_) Enqueue(std::move(retry), /*throttled=*/false);
    crash_retries_.clear();
    Kick();
  });
}

void Reporter::Stop() {
  SetErrorSink(nullptr);
  {
    common::MutexLock lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    stopping_ = true;
    if (!sending_) return Finish();
    flush_deadline_.expires_after(kFlushTime);
    flush_deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) Finish();
    });
  });
  thread_.join();
}

// Ends the thread: a POST under way is cancelled (and counted failed), what is still
// queued is dropped, and run() returns once the handlers left have run, so none outlives
// the members it uses.
void Reporter::Finish() {
  finished_ = true;
  flush_deadline_.cancel();
  crash_retry_.cancel();
  if (connection_) connection_->Close();
  work_.reset();
  size_t unsent = 0;
  {
    common::MutexLock lock(mutex_);
    unsent = queue_.size();
    queue_.clear();
  }
  for (size_t i = 0; i < unsent; ++i) Count(Outcome::kDropped);
}

void Reporter::Count(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSent: sent_.Inc(); break;
    case Outcome::kDropped: dropped_.Inc(); break;
    case Outcome::kFailed: failed_.Inc(); break;
  }
}

}  // namespace deliverer::errors
