#pragma once
// Reports unexpected internal errors and crashes to Sentry ([errors] sentry_dsn;
// docs/operations.md "Error reporting"): what the error sink of common/unhandled.h
// receives (exceptions caught at a thread, coroutine or exchange boundary; a store's
// answer that means a bug or a damaged file) and, at start-up, the crash records the
// previous run left (errors/crash.h).
//
// Reporting never slows nor fails the code that reports: Report() scrubs the text
// (errors/event.h), throttles it (errors/throttle.h) and queues it, at most kQueueCapacity
// events, dropping beyond. A thread of its own ("errors") POSTs them one at a time, each
// within Options::timeout. Every event is counted in deliverer_error_reports_total{outcome}
// as it ends: `sent` (the receiver answered 2xx), `dropped` (throttled, queue full,
// stopping, or within a minute of the receiver's 429) or `failed` (refused or
// unreachable). A failed error event is not sent again; a crash record stays on disk and
// is tried again (and counted again) every kCrashRetry, and at the next start.
//
//   errors::Reporter reporter(options, registry, clock);
//   reporter.Start();  // becomes the error sink, queues the last run's crash records
//   …
//   reporter.Stop();   // no longer the sink; up to kFlushTime to send what is queued
//
// Thread-safe: Report from any thread; Start and Stop from the owner's, once each.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/unhandled.h"
#include "errors/dsn.h"
#include "errors/event.h"
#include "errors/throttle.h"
#include "httpc/connection.h"
#include "metrics/metrics.h"

namespace deliverer::errors {

// "deliverer@<version>": the release every event names.
std::string Release();
// The version alone, as the X-Sentry-Auth header's sentry_client names it.
std::string_view Version();

class Reporter {
 public:
  struct Options {
    Dsn dsn;
    std::string release = Release();
    std::string environment;      // "" = not sent
    std::string crash_directory;  // where crash records are; "" = none
    Millis timeout{5'000};        // connecting, then each POST
  };
  static constexpr size_t kQueueCapacity = 100;
  static constexpr size_t kMaxCrashRecords = 16;  // older ones are deleted unsent
  static constexpr Millis kFlushTime{2'000};
  static constexpr Millis kCrashRetry{60'000};
  static constexpr Millis kPauseAfter429{60'000};

  Reporter(Options options, metrics::Registry& registry, Clock& clock);
  ~Reporter();  // Stop()
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  void Start();
  void Report(const ErrorReport& error);
  void Stop();

 private:
  struct Pending {
    Event event;
    std::string crash_file;  // a crash record's path, deleted once sent; "" otherwise
  };
  enum class Outcome { kSent, kDropped, kFailed };

  bool Enqueue(Pending pending, bool throttled);
  void QueueCrashRecords();
  std::optional<Pending> Take();
  void Kick();
  boost::asio::awaitable<void> SendAll();
  boost::asio::awaitable<Outcome> Send(const Event& event);
  void Settle(Pending pending, Outcome outcome);
  void RetryCrashLater(Pending pending);
  void Finish();
  void Count(Outcome outcome);

  const Options options_;
  const std::string auth_header_;
  Clock& clock_;
  metrics::Counter& sent_;
  metrics::Counter& dropped_;
  metrics::Counter& failed_;

  common::Mutex mutex_;
  std::deque<Pending> queue_ GUARDED_BY(mutex_);
  Throttle throttle_ GUARDED_BY(mutex_);
  bool stopped_ GUARDED_BY(mutex_) = false;

  // io_ thread only:
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // https DSNs; null when unavailable
  std::unique_ptr<httpc::Connection> connection_;
  boost::asio::steady_timer flush_deadline_{io_};
  boost::asio::steady_timer crash_retry_{io_};
  std::vector<Pending> crash_retries_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  bool sending_ = false;
  bool stopping_ = false;  // Stop() was called: send what is queued, for kFlushTime at most
  bool finished_ = false;  // nothing more is sent
  int64_t paused_until_ms_ = 0;

  std::thread thread_;
};

}  // namespace deliverer::errors
