#pragma once
// Headless Chromium driven over the DevTools protocol, for tests of the operator page in a
// real browser. Chromium (Debian's `chromium`, scripts/install-deps) runs with
// --remote-debugging-pipe: commands go as JSON terminated by NUL on its fd 3, answers and
// events come back on its fd 4. No port, no WebSocket, nothing but the two pipes.
//
// Each Browser has its own temporary profile, runs as root (--no-sandbox) without a GPU,
// in a process group of its own that the destructor closes and then kills, so no
// Chromium outlives its test.
//
// Not thread-safe: one test thread drives a Browser. Nothing here sleeps for a fixed
// time: Eval polls with a deadline (WaitUntil), reads wait on poll(2).
#include <sys/types.h>

#include <chrono>
#include <string>

#include "integration/harness.h"

namespace deliverer::integration {

class Browser {
 public:
  // Starts Chromium and opens one page (about:blank). Throws std::runtime_error when
  // Chromium is missing or does not answer within 30 s.
  Browser();
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  // Loads `url` in the page and waits for its load event.
  void Navigate(const std::string& url);
  // The value of a JavaScript expression in the page (promises awaited); an exception
  // thrown by the script comes back as {"exception": text}.
  Json Eval(const std::string& expression);
  // Polls `expression` until it is true; false (with the last value in `last`) after
  // `timeout`.
  bool WaitUntil(const std::string& expression, Millis timeout, Json* last = nullptr);
  // A PNG of the whole page written to `path`.
  void Screenshot(const std::string& path);
  // What Chromium wrote to its standard error, for failure messages.
  std::string Log() const;

 private:
  // Sends a command (to the page's session when `page` is true) and returns its result;
  // throws on a protocol error or after `timeout`.
  Json Call(const std::string& method, const Json& params, bool page = true, Millis timeout = Millis(30'000));
  // Reads until a message with `id` arrives; events go to last_events_.
  Json ReadAnswer(int id, std::chrono::steady_clock::time_point deadline);
  bool ReadMessage(std::string* message, std::chrono::steady_clock::time_point deadline);
  void WaitForEvent(const std::string& method, std::chrono::steady_clock::time_point deadline);

  TempDir profile_;
  pid_t pid_ = -1;
  int to_browser_ = -1;    // our end of its fd 3
  int from_browser_ = -1;  // our end of its fd 4
  std::string buffer_;     // bytes read past the last NUL
  std::string session_;    // the page's flat session id
  int next_id_ = 1;
  std::vector<std::string> events_;  // methods of events seen since the last WaitForEvent
};

}  // namespace deliverer::integration
