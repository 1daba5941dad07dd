#pragma once
// A deadline on one connection's I/O that cancels the stream's pending operations when it
// passes, leaving the socket open: beast::tcp_stream's own timeouts close the socket, so
// a server could no longer answer 408 to a client that sends too slowly.
//
// Use: construct with the stream's executor and a function that cancels its pending
// reads and writes (e.g. beast::get_lowest_layer(stream).cancel()); ExpiresAfter() before
// each phase (waiting for a request, reading it, writing the answer); an operation
// cancelled by the deadline fails with operation_aborted and `expired()` is then true.
//
// Not thread-safe: the executor's thread only (the stream's). The cancel function is not
// called once the Deadline is destroyed, even if the timer fires later.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace deliverer::httpio {

class Deadline {
 public:
  Deadline(boost::asio::any_io_executor executor, std::function<void()> cancel);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // From now; replaces the deadline set before and clears expired().
  void ExpiresAfter(std::chrono::steady_clock::duration duration);
  // No deadline until the next ExpiresAfter.
  void Clear();
  // The last deadline set passed, and the stream's operations were cancelled.
  bool expired() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace deliverer::httpio
