#include "common/unhandled.h"

#include <atomic>
#include <memory>

#include "common/log.h"

namespace deliverer {
namespace {

// Written once at start-up, read on every report.
std::shared_ptr<const std::function<void(std::string_view)>>& Counter() {
  static std::shared_ptr<const std::function<void(std::string_view)>> counter;
  return counter;
}

std::string Describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

}  // namespace

void SetUnhandledCounter(std::function<void(std::string_view component)> count) {
  std::atomic_store(&Counter(), std::make_shared<const std::function<void(std::string_view)>>(std::move(count)));
}

void ReportUnhandled(std::string_view component, std::exception_ptr error) {
  if (!error) return;
  log::Error(component, "unhandled exception, the exchange is abandoned: {}", Describe(error));
  if (auto counter = std::atomic_load(&Counter()); counter && *counter) (*counter)(component);
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

}  // namespace deliverer
