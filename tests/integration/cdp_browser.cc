#include "integration/cdp_browser.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace deliverer::integration {
namespace {

using Clock = std::chrono::steady_clock;

// Debian's launcher script; the binary behind it when the script is absent.
std::string ChromiumPath() {
  for (const char* path : {"/usr/bin/chromium", "/usr/lib/chromium/chromium"}) {
    if (access(path, X_OK) == 0) return path;
  }
  throw std::runtime_error("chromium is not installed (scripts/install-deps installs it)");
}

std::string Base64Decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the browser's pipe closed");
    done += static_cast<size_t>(n);
  }
}

}  // namespace

Browser::Browser() {
  const std::string chromium = ChromiumPath();
  int to[2], from[2];
  if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string log_path = profile_.path() + "/chromium.log";
  const std::string profile_arg = "--user-data-dir=" + profile_.path() + "/profile";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    // dup2 clears FD_CLOEXEC on the copies, which are all Chromium keeps.
    dup2(to[0], 3);
    dup2(from[1], 4);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(log, 1);
    dup2(log, 2);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    execl(chromium.c_str(), chromium.c_str(), "--headless=new", "--no-sandbox", "--disable-gpu",
          "--remote-debugging-pipe", profile_arg.c_str(), "--no-first-run", "--no-default-browser-check",
          "--disable-extensions", "--disable-background-networking", "--disable-sync",
          "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1280,1400",
          "--hide-scrollbars", "--mute-audio", "about:blank", static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid_, pid_);  // also here: whichever runs first, the group exists before a kill
  close(to[0]);
  close(from[1]);
  to_browser_ = to[1];
  from_browser_ = from[0];
  const Json target = Call("Target.createTarget", {{"url", "about:blank"}}, false);
  const Json attached = Call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}, false);
  session_ = attached["sessionId"];
  Call("Page.enable", Json::object());
  Call("Runtime.enable", Json::object());
}

Browser::~Browser() {
  if (pid_ > 0) {
    try {
      Call("Browser.close", Json::object(), false, Millis(5'000));
    } catch (const std::exception&) {
      // Killed below either way.
    }
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0 && Clock::now() < deadline) {
      pollfd none{};
      poll(&none, 0, 50);  // waiting for an exit, which no descriptor announces
    }
    // Renderers and helpers share its group; none may outlive the test.
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status, WNOHANG);
  }
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
}

Json Browser::Call(const std::string& method, const Json& params, bool page, Millis timeout) {
  const int id = next_id_++;
  Json message = {{"id", id}, {"method", method}, {"params", params}};
  if (page) message["sessionId"] = session_;
  WriteAll(to_browser_, message.dump() + std::string(1, '\0'));
  Json answer = ReadAnswer(id, Clock::now() + timeout);
  if (answer.contains("error")) throw std::runtime_error(method + ": " + answer["error"].dump());
  return answer.value("result", Json::object());
}

Json Browser::ReadAnswer(int id, Clock::time_point deadline) {
  std::string message;
  while (ReadMessage(&message, deadline)) {
    Json parsed = Json::parse(message, nullptr, false);
    if (parsed.is_discarded()) continue;
    if (parsed.contains("id") && parsed["id"] == id) return parsed;
    if (parsed.contains("method")) events_.push_back(parsed["method"]);
  }
  throw std::runtime_error("no answer from the browser in time; its log:\n" + Log());
}

bool Browser::ReadMessage(std::string* message, Clock::time_point deadline) {
  for (;;) {
    if (const size_t nul = buffer_.find('\0'); nul != std::string::npos) {
      *message = buffer_.substr(0, nul);
      buffer_.erase(0, nul + 1);
      return true;
    }
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd fd{from_browser_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left)) <= 0) continue;
    char chunk[65536];
    const ssize_t n = read(from_browser_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void Browser::WaitForEvent(const std::string& method, Clock::time_point deadline) {
  std::string message;
  while (std::find(events_.begin(), events_.end(), method) == events_.end()) {
    if (!ReadMessage(&message, deadline)) throw std::runtime_error("no " + method + " in time");
    Json parsed = Json::parse(message, nullptr, false);
    if (!parsed.is_discarded() && parsed.contains("method")) events_.push_back(parsed["method"]);
  }
  events_.clear();
}

void Browser::Navigate(const std::string& url) {
  events_.clear();
  Call("Page.navigate", {{"url", url}});
  WaitForEvent("Page.loadEventFired", Clock::now() + std::chrono::seconds(30));
}

Json Browser::Eval(const std::string& expression) {
  const Json result = Call("Runtime.evaluate",
                           {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (result.contains("exceptionDetails")) {
    return {{"exception", result["exceptionDetails"].value("text", "") + " " +
                              result["exceptionDetails"].value("exception", Json::object()).value("description", "")}};
  }
  return result["result"].value("value", Json());
}

bool Browser::WaitUntil(const std::string& expression, Millis timeout, Json* last) {
  Json value;
  const bool held = WaitFor(
      [&] {
        value = Eval(expression);
        return value.is_boolean() && value.get<bool>();
      },
      timeout, Millis(100));
  if (last != nullptr) *last = value;
  return held;
}

void Browser::Screenshot(const std::string& path) {
  const Json shot = Call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}});
  std::ofstream out(path, std::ios::binary);
  out << Base64Decode(shot["data"].get<std::string>());
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string Browser::Log() const {
  std::ifstream in(profile_.path() + "/chromium.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace deliverer::integration
