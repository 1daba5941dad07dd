#pragma once
// A TCP proxy on 127.0.0.1 between the code under test and a real server, with faults a
// test switches at any time: the network as a client sees it when a link is slow, a
// server hangs, a middlebox resets connections, or only one direction gets through.
//
//   FaultProxy proxy("127.0.0.1", ServicePort("postgres"));
//   // connect the code under test to 127.0.0.1:proxy.port() instead of the server
//   proxy.Set(FaultProxy::Mode::kBlackhole);  // the server now seems to hang
//   proxy.Set(FaultProxy::Mode::kPass);       // new connections work again
//
// The modes act per chunk read, so a switch applies from the next chunk on, in both
// directions of every open connection and to new ones. A connection's bytes lost in
// kBlackhole or kOneWay stay lost: switching back to kPass does not repair that stream,
// as it would not on a real network after a timeout.
//
// Threading: Boost.Asio on a thread of its own; every public member may be called from any
// thread. Nothing thrown inside escapes that thread (reported on stderr instead).
// Bounded: at most `max_connections` open connections (the ones beyond are reset as soon
// as they are accepted), and each holds one buffer of kChunkBytes per direction, read again
// only once written (a slow side slows the other), so at most
// max_connections * 2 * kChunkBytes bytes are buffered.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace deliverer::test_support {

class FaultProxy {
 public:
  enum class Mode {
    kPass,       // forwards both ways
    kDelay,      // forwards both ways, each chunk after the delay SetDelay gave
    kBlackhole,  // accepts and holds connections, reads and discards both ways, forwards
                 // nothing (neither bytes nor either side's closing, as across a partition)
    kReset,      // resets (RST, not FIN) every open connection, both sides, and each new one
    kOneWay,     // forwards client → server only; the server's bytes and closing are dropped
  };
  static constexpr size_t kChunkBytes = 16 * 1024;
  static constexpr size_t kDefaultMaxConnections = 64;

  // Listens on 127.0.0.1, port chosen by the system; each accepted connection connects to
  // target_host:target_port (resolved here: throws if it cannot be). A connection whose
  // target refuses is reset, as a client connecting directly would see it refused.
  FaultProxy(const std::string& target_host, uint16_t target_port,
             size_t max_connections = kDefaultMaxConnections);
  // Closes every connection (the client sees its end) and joins the thread.
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const;
  void Set(Mode mode);
  // The delay added to every chunk, each way; also switches to kDelay.
  void SetDelay(std::chrono::milliseconds delay);
  Mode mode() const;
  // Connections open now (client side), and accepted since the start (refused ones too).
  size_t connections() const;
  size_t accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace deliverer::test_support
