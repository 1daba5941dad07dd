#pragma once
// The last line of defence against exceptions from libraries: an exception that escapes
// a coroutine, an I/O handler or a thread's loop must fail that one exchange, never stop
// the process (docs/security.md). Where one is caught, ReportUnhandled logs it and counts
// it in deliverer_unhandled_exceptions_total{component}, then the caller frees what the
// exchange held and goes on.
//
//   asio::co_spawn(io, Work(), LogUnhandled("webhooks", [this] { FreeSlot(); }));
//   std::thread([&] { RunGuarded(io, "delivery"); });
//
// Thread-safe. The log line carries the exception's own text, masked like every line.
#include <boost/asio/io_context.hpp>

#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace deliverer {

// Logs and counts `error` (nothing when it is null).
void ReportUnhandled(std::string_view component, std::exception_ptr error);

// Where ReportUnhandled counts; set once at start-up (before any thread reports), e.g. to
// a metric. Unset, it only logs.
void SetUnhandledCounter(std::function<void(std::string_view component)> count);

// A co_spawn completion handler in place of asio::detached, which drops an escaping
// exception without a word: reports it, then runs `on_failure` (may be empty) so the
// coroutine's resources are released.
class LogUnhandled {
 public:
  explicit LogUnhandled(std::string component, std::function<void()> on_failure = nullptr)
      : component_(std::move(component)), on_failure_(std::move(on_failure)) {}
  void operator()(std::exception_ptr error) const {
    if (!error) return;
    ReportUnhandled(component_, error);
    if (on_failure_) on_failure_();
  }
  template <class T>
  void operator()(std::exception_ptr error, T&&) const {
    (*this)(error);
  }

 private:
  std::string component_;
  std::function<void()> on_failure_;
};

// io.run() until it returns of its own accord; an exception thrown out of a handler is
// reported and the loop runs on (asio allows run() again after a throw).
void RunGuarded(boost::asio::io_context& io, std::string_view component);

}  // namespace deliverer
