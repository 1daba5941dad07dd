#include "common/unhandled.h"

#include <cxxabi.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "common/log.h"

namespace deliverer {
namespace {

// A hook set at start-up (or, for the sink, whenever serve starts or stops reporting)
// and read on every report; a report in progress keeps the one it loaded alive.
template <class Function>
class Hook {
 public:
  void Set(Function function) {
    std::shared_ptr<const Function> next;
    if (function) next = std::make_shared<const Function>(std::move(function));
    std::atomic_store(&function_, std::move(next));
  }
  template <class... Args>
  void Call(Args&&... args) const {
    if (auto function = std::atomic_load(&function_)) (*function)(std::forward<Args>(args)...);
  }

 private:
  std::shared_ptr<const Function> function_;
};

Hook<std::function<void(std::string_view)>>& Counter() {
  static Hook<std::function<void(std::string_view)>> counter;
  return counter;
}

Hook<std::function<void(const ErrorReport&)>>& Sink() {
  static Hook<std::function<void(const ErrorReport&)>> sink;
  return sink;
}

// The demangled name of the type of the exception being handled.
std::string CurrentExceptionType() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return "unknown";
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(type->name(), nullptr, nullptr, &status),
                                                   &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type->name());
}

struct Described {
  std::string type;
  std::string message;
};

Described Describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return {CurrentExceptionType(), e.what()};
  } catch (...) {
    return {CurrentExceptionType(), "an exception of unknown type"};
  }
}

}  // namespace

void SetUnhandledCounter(std::function<void(std::string_view component)> count) { Counter().Set(std::move(count)); }

void SetErrorSink(std::function<void(const ErrorReport&)> sink) { Sink().Set(std::move(sink)); }

// Reached from catch blocks and from storage errors on the message path: whatever the sink
// does (it allocates), the caller goes on.
void ReportInternalError(const ErrorReport& error) noexcept {
  try {
    Sink().Call(error);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a report lost is counted nowhere, by design
  }
}

void ReportUnhandled(std::string_view component, std::exception_ptr error, std::string_view correlation_id) {
  if (!error) return;
  const Described described = Describe(error);
  if (log::Enabled(log::Level::kError)) {
    log::Write(log::Level::kError, component, correlation_id,
               fmt::format("unhandled exception, the exchange is abandoned: {}", described.message));
  }
  Counter().Call(component);
  ReportInternalError({component, described.type, described.message, correlation_id});
}

void RunGuarded(boost::asio::io_context& io, std::string_view component) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
      ReportUnhandled(component, std::current_exception());
    }
  }
}

void RunReportingUnhandled(std::string_view component, const std::function<void()>& loop) {
  for (;;) {
    try {
      loop();
      return;
    } catch (...) {
      ReportUnhandled(component, std::current_exception());
    }
  }
}

}  // namespace deliverer
