#pragma once
// The last line of defence against exceptions from libraries: an exception that escapes
// a coroutine, an I/O handler or a thread's loop must fail that one exchange, never stop
// the process (docs/security.md). Where one is caught, ReportUnhandled logs it and counts
// it in deliverer_unhandled_exceptions_total{component}, hands it to the error sink, then
// the caller frees what the exchange held and goes on.
//
//   asio::co_spawn(io, Work(), LogUnhandled("webhooks", [this] { FreeSlot(); }));
//   std::thread([&] { RunGuarded(io, "delivery"); });
//
// The error sink is where internal errors leave the process: `serve` sets it to the
// error reporter (errors/reporter.h) when [errors] sentry_dsn is set. Besides caught
// exceptions, ReportInternalError hands it errors found as values that no fault of the
// outside explains (a store's answer that means a bug or a damaged file).
//
// Thread-safe. The log line carries the exception's own text, masked like every line; the
// sink gets it unmasked and must scrub it before it leaves the process.
#include <boost/asio/io_context.hpp>

#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace deliverer {

// One internal error as the sink receives it; the views live for the call only.
struct ErrorReport {
  std::string_view component;       // where it was caught: "http", "delivery", "storage" …
  std::string_view type;            // the exception's type, or a kind such as "sqlite"
  std::string_view message;         // its text, unmasked
  std::string_view correlation_id;  // the message or request it concerns; "" when none
};

// Logs and counts `error` (nothing when it is null) and hands it to the sink.
void ReportUnhandled(std::string_view component, std::exception_ptr error,
                     std::string_view correlation_id = {});

// A thread's main loop, which returns once stopped: whatever escapes it is reported, and
// it runs again.
void RunReportingUnhandled(std::string_view component, const std::function<void()>& loop);

// Hands `error` to the sink only: the caller's own error path logs it.
void ReportInternalError(const ErrorReport& error) noexcept;

// Where ReportUnhandled counts; set once at start-up (before any thread reports), e.g. to
// a metric. Unset, it only logs.
void SetUnhandledCounter(std::function<void(std::string_view component)> count);

// Where reports go; may be set and unset at any time (nullptr unsets). The sink is called
// on the reporting thread and must not block.
void SetErrorSink(std::function<void(const ErrorReport&)> sink);

// A co_spawn completion handler in place of asio::detached, which drops an escaping
// exception without a word: reports it (with `correlation_id`, the message it concerns,
// when there is one), then runs `on_failure` (may be empty) so the coroutine's resources
// are released.
class LogUnhandled {
 public:
  explicit LogUnhandled(std::string component, std::function<void()> on_failure = nullptr,
                        std::string correlation_id = {})
      : component_(std::move(component)),
        on_failure_(std::move(on_failure)),
        correlation_id_(std::move(correlation_id)) {}
  void operator()(std::exception_ptr error) const {
    if (!error) return;
    ReportUnhandled(component_, error, correlation_id_);
    if (on_failure_) on_failure_();
  }
  template <class T>
  void operator()(std::exception_ptr error, T&&) const {
    (*this)(error);
  }

 private:
  std::string component_;
  std::function<void()> on_failure_;
  std::string correlation_id_;
};

// io.run() until it returns of its own accord; an exception thrown out of a handler is
// reported and the loop runs on (asio allows run() again after a throw).
void RunGuarded(boost::asio::io_context& io, std::string_view component);

}  // namespace deliverer
