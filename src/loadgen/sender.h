#pragma once
// The request side of a run: `connections` keep-alive HTTP/1.1 connections to the
// gateway, each one coroutine on the bench's single io_context. Connections take the
// run's slots in order (schedule.h): in the open loop each waits for its slot's due time,
// so at most `connections` requests are in flight and the rest queue up in time, which
// the latency (counted from the due time) shows. Every answer and failure goes to the
// Tracker. A failed request is not retried (it is counted); its connection reopens.
//
// Per request the bench reuses the connection's body and request buffers and writes the
// request in one buffer (wire.h); the allocations left are Beast's response parser and
// its header fields.
//
// Not thread-safe: the io_context's one thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "loadgen/message_gen.h"
#include "loadgen/replies.h"
#include "loadgen/schedule.h"
#include "loadgen/settings.h"
#include "loadgen/time_base.h"
#include "loadgen/tracker.h"

namespace deliverer::loadgen {

struct SenderOptions {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;  // HOST:PORT as the URL gave it
  std::string api_key;
  uint32_t connections = 64;
  bool batch = false;
  std::chrono::milliseconds timeout{10'000};
};

class Sender {
 public:
  Sender(boost::asio::io_context& io, SenderOptions options, const Schedule& schedule,
         const MessageGenerator& generator, Tracker& tracker, const TimeBase& time_base);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Opens every connection before the run starts, so connecting is not timed. Fails
  // when the gateway cannot be reached.
  boost::asio::awaitable<Status> Connect();
  // Sends the schedule's slots from `start` on; returns once no slot is left to take
  // (or Stop was called) and every request has its answer or its failure. Closes the
  // connections at the end.
  boost::asio::awaitable<void> Run(SteadyTime start);
  // No further slot is taken; requests in flight finish.
  void Stop();

  SteadyTime last_answer() const { return last_answer_; }

 private:
  struct Link;
  boost::asio::awaitable<void> Drive(Link& link);
  boost::asio::awaitable<bool> Open(Link& link);
  // One request for slot `slot` on `link`, sent at `due` or later.
  boost::asio::awaitable<void> Exchange(Link& link, uint64_t slot, SteadyTime due);
  void Close(Link& link);

  boost::asio::io_context& io_;
  const SenderOptions options_;
  const Schedule& schedule_;
  const MessageGenerator& generator_;
  Tracker& tracker_;
  const TimeBase& time_base_;
  ReplyParser parser_;
  const std::string head_;  // wire.h RequestHead, the same for every connection
  std::vector<std::unique_ptr<Link>> links_;
  SteadyTime start_{};
  SteadyTime last_answer_{};
  uint64_t next_slot_ = 0;
  size_t running_ = 0;
  bool stopping_ = false;
  boost::asio::steady_timer all_done_;
};

}  // namespace deliverer::loadgen
