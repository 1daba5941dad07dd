#pragma once
// One SMPP connection's byte stream: reads frames off a TCP (or TLS) stream and decodes
// them with the pure codec, and writes encoded PDUs in order. Shared by the client
// session driver (smpp/net/client.h) and the simulator's server side.
//
// Threading: a Channel belongs to one executor (a single-threaded io_context or a
// strand); every member must be called on it. Create it with Channel::Create (it is
// shared: the writer coroutine keeps it alive until its last write finished).
//
// Reading: one reader at a time awaits Read(), which yields the next event. Writing:
// Send() queues the PDU's bytes and returns; a writer coroutine drains the queue, so
// PDUs sent in one turn of the event loop go out in one write.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <memory>
#include <variant>
#include <vector>

#include "smpp/codec.h"

namespace deliverer::smpp::net {

using Tcp = boost::asio::ip::tcp;
using TlsStream = boost::asio::ssl::stream<Tcp::socket>;

// The peer closed the stream, or a read failed; the Channel is closed.
struct Closed {
  boost::system::error_code error;
};

// Pdu: a decoded PDU. Malformed: a framed but invalid PDU was skipped; answer it and
// keep reading. BrokenFraming: the stream cannot be resynchronised; the Channel closed.
using ReadEvent = std::variant<Pdu, Malformed, BrokenFraming, Closed>;

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  static std::shared_ptr<Channel> Create(Tcp::socket socket, size_t max_pdu_len);
  // `stream` has completed its handshake.
  static std::shared_ptr<Channel> Create(std::unique_ptr<TlsStream> stream, size_t max_pdu_len);

  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel();

  boost::asio::any_io_executor get_executor();

  // The next event from the peer. After Closed or BrokenFraming, every later call
  // answers Closed at once.
  boost::asio::awaitable<ReadEvent> Read();

  // Queues the PDU (Encode's precondition applies). Ignored once closed.
  void Send(const Pdu& pdu);
  // Queues raw octets, for tests and the simulator's faults (a PDU cut in half).
  void SendRaw(std::span<const uint8_t> bytes);

  // Closes now; queued writes are dropped and a pending Read() answers Closed.
  void Close();
  // Closes once everything queued so far has been written (e.g. after unbind_resp).
  void CloseAfterFlush();
  bool open() const { return !closed_; }
  // Octets queued but not yet written.
  size_t pending_bytes() const { return pending_.size() + writing_.size(); }

  Tcp::endpoint remote_endpoint() const { return remote_; }

 private:
  Channel(std::variant<Tcp::socket, std::unique_ptr<TlsStream>> stream, size_t max_pdu_len);

  boost::asio::awaitable<void> WriteLoop();
  void StartWriter();
  Tcp::socket& Lowest();

  std::variant<Tcp::socket, std::unique_ptr<TlsStream>> stream_;
  const size_t max_pdu_len_;
  Tcp::endpoint remote_;
  std::vector<uint8_t> in_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::vector<uint8_t> pending_;
  std::vector<uint8_t> writing_;
  bool writer_running_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
};

}  // namespace deliverer::smpp::net
