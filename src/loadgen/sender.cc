#include "loadgen/sender.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <optional>

#include "loadgen/wire.h"
#include "httpio/read.h"

namespace deliverer::loadgen {

namespace {
// Bytes of a header (or trailer) the gateway or a webhook may send us at most.
constexpr size_t kMaxAnswerHeaderBytes = 32 * 1024;
}  // namespace

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

// A connection that failed is reopened after this pause, so a dead gateway costs a few
// failures per second per connection rather than a busy loop.
constexpr auto kReopenPause = std::chrono::milliseconds(100);
// A batch answer holds one result per message; 1000 results fit well within this.
constexpr uint64_t kMaxAnswerBytes = 16 * 1024 * 1024;

uint64_t MicrosBetween(SteadyTime from, SteadyTime to) {
  return to > from ? static_cast<uint64_t>(
                         std::chrono::duration_cast<std::chrono::microseconds>(to - from).count())
                   : 0;
}

}  // namespace

// The stream is typed on the io_context's own executor rather than the polymorphic
// any_io_executor of beast::tcp_stream: copying and destroying that wrapper on every
// operation showed in the bench's profile.
using Stream =
    beast::basic_stream<tcp, asio::io_context::executor_type, beast::unlimited_rate_policy>;

struct Sender::Link {
  explicit Link(asio::io_context& io) : stream(io.get_executor()), timer(io) {}
  Stream stream;
  beast::flat_buffer buffer;
  std::string body;  // reused: grows to the largest body once
  std::string wire;  // the request's bytes, reused likewise
  asio::steady_timer timer;
  bool open = false;
};

Sender::Sender(asio::io_context& io, SenderOptions options, const Schedule& schedule,
               const MessageGenerator& generator, Tracker& tracker, const TimeBase& time_base)
    : io_(io),
      options_(std::move(options)),
      schedule_(schedule),
      generator_(generator),
      tracker_(tracker),
      time_base_(time_base),
      head_(RequestHead(options_.batch ? "/v1/messages/batch" : "/v1/messages",
                        options_.host_header, options_.api_key)),
      all_done_(io) {
  for (uint32_t i = 0; i < options_.connections; ++i) links_.push_back(std::make_unique<Link>(io_));
}

Sender::~Sender() = default;

awaitable<bool> Sender::Open(Link& link) {
  beast::error_code ec;
  link.stream.expires_after(options_.timeout);
  co_await link.stream.async_connect(options_.endpoint, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return false;
  link.stream.socket().set_option(tcp::no_delay(true), ec);
  link.buffer.clear();
  link.open = true;
  co_return true;
}

void Sender::Close(Link& link) {
  beast::error_code ignored;
  link.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  link.stream.close();
  link.open = false;
}

awaitable<Status> Sender::Connect() {
  for (auto& link : links_) {
    if (!co_await Open(*link)) {
      co_return Error::Of("unreachable", "cannot connect to " + options_.host_header);
    }
  }
  co_return Status::Ok();
}

awaitable<void> Sender::Run(SteadyTime start) {
  start_ = start;
  last_answer_ = start;
  running_ = links_.size();
  all_done_.expires_at(SteadyTime::max());
  for (auto& link : links_) {
    asio::co_spawn(
        io_,
        [this, &link = *link]() -> awaitable<void> {
          co_await Drive(link);
          Close(link);
          if (--running_ == 0) all_done_.cancel();
        },
        asio::detached);
  }
  beast::error_code ec;
  if (running_ > 0) co_await all_done_.async_wait(asio::redirect_error(use_awaitable, ec));
}

void Sender::Stop() {
  stopping_ = true;
  for (auto& link : links_) link->timer.cancel();  // a connection waiting for its due time
}

awaitable<void> Sender::Drive(Link& link) {
  while (!stopping_) {
    const SteadyTime now = std::chrono::steady_clock::now();
    if (!schedule_.MayClaim(next_slot_, now - start_)) break;
    const uint64_t slot = next_slot_++;
    const SteadyTime due = schedule_.open_loop() ? start_ + schedule_.Due(slot) : now;
    if (due > now) {
      beast::error_code ec;
      link.timer.expires_at(due);
      co_await link.timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (stopping_) break;
    }
    co_await Exchange(link, slot, due);
  }
}

awaitable<void> Sender::Exchange(Link& link, uint64_t slot, SteadyTime due) {
  const uint64_t first = schedule_.FirstSeq(slot);
  const uint32_t messages = schedule_.MessagesIn(slot);
  tracker_.OnRequestSent(first, messages);
  if (!link.open && !co_await Open(link)) {
    tracker_.OnTransportError(false);
    link.timer.expires_after(kReopenPause);
    beast::error_code ignored;
    co_await link.timer.async_wait(asio::redirect_error(use_awaitable, ignored));
    co_return;
  }
  generator_.WriteBody(first, messages, options_.batch, link.body);
  WriteRequest(head_, link.body, link.wire);
  const SteadyTime sent = schedule_.open_loop() ? due : std::chrono::steady_clock::now();
  beast::error_code ec;
  link.stream.expires_after(options_.timeout);
  co_await asio::async_write(link.stream, asio::buffer(link.wire),
                             asio::redirect_error(use_awaitable, ec));
  std::optional<http::response_parser<http::string_body>> parser;
  if (!ec) {
    parser.emplace();
    parser->body_limit(kMaxAnswerBytes);
    const httpio::ReadOutcome read = co_await httpio::ReadMessage(link.stream, link.buffer, *parser, kMaxAnswerHeaderBytes);
    if (!read.ok()) ec = read.error ? read.error : make_error_code(http::error::partial_message);
  }
  const SteadyTime received = std::chrono::steady_clock::now();
  if (ec) {
    tracker_.OnTransportError(ec == beast::error::timeout);
    Close(link);
    co_return;
  }
  const auto& response = parser->get();
  last_answer_ = std::max(last_answer_, received);
  tracker_.OnAnswer(
      Answer{first, messages, options_.batch, static_cast<int>(response.result_int()),
             response.body(), MicrosBetween(sent, received), time_base_.UnixMicros(received)},
      parser_);
  if (!response.keep_alive()) Close(link);
}

}  // namespace deliverer::loadgen
