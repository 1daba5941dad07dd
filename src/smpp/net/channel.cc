#include "smpp/net/channel.h"
#include "common/unhandled.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>

namespace deliverer::smpp::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {
// Enough for many small PDUs per read; grown up to the PDU limit for a large frame.
constexpr size_t kReadChunk = 64 * 1024;
}  // namespace

std::shared_ptr<Channel> Channel::Create(Tcp::socket socket, size_t max_pdu_len) {
  return std::shared_ptr<Channel>(new Channel(std::move(socket), max_pdu_len));
}

std::shared_ptr<Channel> Channel::Create(std::unique_ptr<TlsStream> stream, size_t max_pdu_len) {
  return std::shared_ptr<Channel>(new Channel(std::move(stream), max_pdu_len));
}

Channel::Channel(std::variant<Tcp::socket, std::unique_ptr<TlsStream>> stream, size_t max_pdu_len)
    : stream_(std::move(stream)), max_pdu_len_(max_pdu_len), in_(kReadChunk) {
  boost::system::error_code ec;
  remote_ = Lowest().remote_endpoint(ec);
  Lowest().set_option(Tcp::no_delay(true), ec);
}

Channel::~Channel() { Close(); }

Tcp::socket& Channel::Lowest() {
  if (auto* tls = std::get_if<std::unique_ptr<TlsStream>>(&stream_)) return (*tls)->next_layer();
  return std::get<Tcp::socket>(stream_);
}

asio::any_io_executor Channel::get_executor() { return Lowest().get_executor(); }

awaitable<ReadEvent> Channel::Read() {
  for (;;) {
    if (closed_) co_return Closed{asio::error::operation_aborted};
    if (in_end_ > in_begin_) {
      DecodeResult result = Decode({in_.data() + in_begin_, in_end_ - in_begin_}, max_pdu_len_);
      if (auto* decoded = std::get_if<Decoded>(&result)) {
        in_begin_ += decoded->bytes_consumed;
        co_return std::move(decoded->pdu);
      }
      if (auto* malformed = std::get_if<Malformed>(&result)) {
        in_begin_ += malformed->bytes_consumed;
        co_return *malformed;
      }
      if (auto* broken = std::get_if<BrokenFraming>(&result)) {
        Close();
        co_return *broken;
      }
      const size_t need = std::get<NeedMore>(result).min_total;
      if (in_begin_ > 0) {  // keep the partial frame at the front
        std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
      }
      if (need > in_.size()) in_.resize(need);
    } else {
      in_begin_ = in_end_ = 0;
    }
    boost::system::error_code ec;
    const auto space = asio::buffer(in_.data() + in_end_, in_.size() - in_end_);
    size_t n = 0;
    if (auto* tls = std::get_if<std::unique_ptr<TlsStream>>(&stream_)) {
      n = co_await (*tls)->async_read_some(space, asio::redirect_error(use_awaitable, ec));
    } else {
      n = co_await std::get<Tcp::socket>(stream_).async_read_some(
          space, asio::redirect_error(use_awaitable, ec));
    }
    if (ec) {
      Close();
      co_return Closed{ec};
    }
    in_end_ += n;
  }
}

void Channel::Send(const Pdu& pdu) {
  if (closed_ || close_after_flush_) return;
  EncodeTo(pdu, pending_);  // no intermediate buffer per PDU
  StartWriter();
}

void Channel::SendRaw(std::span<const uint8_t> bytes) {
  if (closed_ || close_after_flush_) return;
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  StartWriter();
}

void Channel::StartWriter() {
  if (writer_running_) return;
  writer_running_ = true;
  asio::co_spawn(get_executor(), [self = shared_from_this()]() { return self->WriteLoop(); },
                 LogUnhandled("smpp", [self = shared_from_this()] { self->Close(); }));
}

awaitable<void> Channel::WriteLoop() {
  while (!closed_ && !pending_.empty()) {
    writing_.swap(pending_);
    boost::system::error_code ec;
    if (auto* tls = std::get_if<std::unique_ptr<TlsStream>>(&stream_)) {
      co_await asio::async_write(**tls, asio::buffer(writing_), asio::redirect_error(use_awaitable, ec));
    } else {
      co_await asio::async_write(std::get<Tcp::socket>(stream_), asio::buffer(writing_),
                                 asio::redirect_error(use_awaitable, ec));
    }
    writing_.clear();
    if (ec) Close();
  }
  writer_running_ = false;
  if (close_after_flush_) Close();
}

void Channel::Close() {
  if (closed_) return;
  closed_ = true;
  pending_.clear();
  boost::system::error_code ignored;
  Lowest().shutdown(Tcp::socket::shutdown_both, ignored);
  Lowest().close(ignored);
}

void Channel::CloseAfterFlush() {
  close_after_flush_ = true;
  if (!writer_running_) Close();
}

}  // namespace deliverer::smpp::net
