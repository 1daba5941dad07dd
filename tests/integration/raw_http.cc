#include "integration/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace deliverer::integration {
namespace {

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Waits until `fd` is readable; false on timeout.
bool Readable(int fd, Millis timeout) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

RawClient::RawClient(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in address = Loopback(port);
  if (fd_ >= 0 && connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    fd_ = -1;
  }
  if (fd_ >= 0) {
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

bool RawClient::Send(std::string_view bytes) { return fd_ >= 0 && WriteAll(fd_, bytes); }

bool RawClient::ReadSome(std::string& into, Millis timeout) {
  if (fd_ < 0 || closed_ || !Readable(fd_, timeout)) return false;
  char buffer[65536];
  const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  into.append(buffer, static_cast<size_t>(n));
  return true;
}

std::string RawClient::ReadUntilClosed(Millis timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(out, left)) break;
  }
  return out;
}

std::string RawClient::ReadUntil(std::string_view needle, Millis timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && out.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(out, left)) break;
  }
  return out;
}

std::string RawClient::ReadResponse(Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto complete = [this]() -> size_t {
    const size_t end = pending_.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    size_t length = 0;
    const size_t at = pending_.find("Content-Length: ");
    if (at != std::string::npos && at < end) length = std::stoul(pending_.substr(at + 16));
    return pending_.size() >= end + 4 + length ? end + 4 + length : 0;
  };
  while (complete() == 0 && !closed_) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(pending_, left)) break;
  }
  const size_t size = complete() > 0 ? complete() : pending_.size();
  std::string answer = pending_.substr(0, size);
  pending_.erase(0, size);
  return answer;
}

bool RawClient::ClosedWithin(Millis timeout) {
  ReadUntilClosed(timeout);
  return closed_;
}

RawServer::RawServer(std::string answer) : answer_(std::move(answer)) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address = Loopback(0);
  bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  listen(listener_, 64);
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] {
    std::vector<std::thread> connections;
    while (!stop_) {
      if (!Readable(listener_, Millis(50))) continue;
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd >= 0) connections.emplace_back([this, fd] { Serve(fd); });
    }
    for (auto& c : connections) c.join();
  });
}

RawServer::~RawServer() {
  stop_ = true;
  thread_.join();
  close(listener_);
}

std::string RawServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void RawServer::Serve(int fd) {
  std::string pending;
  char buffer[65536];
  while (!stop_) {
    const size_t end = pending.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      const size_t at = pending.find("Content-Length: ");
      if (at != std::string::npos && at < end) length = std::stoul(pending.substr(at + 16));
      if (pending.size() >= end + 4 + length) {
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(pending.substr(0, end + 4 + length));
        }
        pending.erase(0, end + 4 + length);
        if (!WriteAll(fd, answer_)) break;
        continue;
      }
    }
    if (!Readable(fd, Millis(50))) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
}

std::vector<std::string> RawServer::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t RawServer::RequestCount() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::string ChunkedAnswerWithTrailer(size_t field_bytes) {
  return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
         "2\r\n{}\r\n0\r\nX-Trailer: " +
         std::string(field_bytes, 'a') + "\r\n\r\n";
}

}  // namespace deliverer::integration
