#pragma once
// Polls `condition` every 5 ms until it holds (true) or `timeout` passes (false): for
// state another thread or process reaches in its own time, with no event to await.
#include <chrono>
#include <functional>
#include <thread>

namespace deliverer::test_support {

inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace deliverer::test_support
