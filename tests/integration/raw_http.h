#pragma once
// Bytes on a socket, for what no HTTP library will send or answer: bad framing, huge
// trailers, requests that arrive a byte at a time. A RawClient talks to the gateway; a
// RawServer is a receiver or a carrier that answers every request with the same bytes.
//
// Not thread-safe, except that RawServer serves on its own thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace deliverer::integration {

using Millis = std::chrono::milliseconds;

class RawClient {
 public:
  // Connects to 127.0.0.1:`port`; connected() says whether it worked.
  explicit RawClient(uint16_t port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False when the peer is gone.
  bool Send(std::string_view bytes);
  // What arrives until the peer closes the connection or `timeout` passes.
  std::string ReadUntilClosed(Millis timeout);
  // What arrives until it holds `needle`, the peer closes, or `timeout` passes.
  std::string ReadUntil(std::string_view needle, Millis timeout);
  // One answer framed by Content-Length (header and body), or what came until `timeout`.
  std::string ReadResponse(Millis timeout);
  // True when the peer closed (or reset) the connection within `timeout`.
  bool ClosedWithin(Millis timeout);

 private:
  // Appends what one read brings within `timeout`; false on close or timeout.
  bool ReadSome(std::string& into, Millis timeout);

  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;  // read past the last answer ReadResponse returned
};

class RawServer {
 public:
  // Listens on 127.0.0.1 (a free port); answers each request, read up to the end of its
  // header and its Content-Length body, with `answer`, then keeps the connection open
  // for the next.
  explicit RawServer(std::string answer);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  uint16_t port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;
  // Requests answered so far, with their header blocks.
  std::vector<std::string> Requests() const;
  size_t RequestCount() const;

 private:
  void Serve(int fd);

  const std::string answer_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;  // guarded by mutex_
};

// A chunked response whose trailer holds one field of `field_bytes` bytes: Beast 1.74
// throws from inside its parser for a field of 64 KiB or more.
std::string ChunkedAnswerWithTrailer(size_t field_bytes);

}  // namespace deliverer::integration
