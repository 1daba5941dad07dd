#include "loadgen/probe.h"
#include "httpio/read.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace deliverer::loadgen {

namespace {
// Bytes of a header (or trailer) the gateway or a webhook may send us at most.
constexpr size_t kMaxProbeHeaderBytes = 32 * 1024;
}  // namespace

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr auto kProbeTimeout = std::chrono::milliseconds(5'000);
constexpr auto kReadyPoll = std::chrono::milliseconds(100);
constexpr uint64_t kMaxMetricsBytes = 8 * 1024 * 1024;

}  // namespace

awaitable<HttpAnswer> HttpGet(const tcp::endpoint& endpoint, const std::string& host_header,
                              const std::string& target, std::chrono::milliseconds timeout) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  beast::error_code ec;
  stream.expires_after(timeout);
  co_await stream.async_connect(endpoint, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return HttpAnswer{};
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host_header);
  request.keep_alive(false);
  co_await http::async_write(stream, request, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return HttpAnswer{};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxMetricsBytes);
  co_await httpio::ReadMessage(stream, buffer, parser, kMaxProbeHeaderBytes);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  if (!parser.is_done()) co_return HttpAnswer{};
  co_return HttpAnswer{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
}

GatewayWatch::GatewayWatch(asio::io_context& io, tcp::endpoint endpoint, std::string host_header)
    : io_(io), endpoint_(std::move(endpoint)), host_header_(std::move(host_header)), timer_(io) {}

awaitable<bool> GatewayWatch::WaitReady(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if ((co_await HttpGet(endpoint_, host_header_, "/readyz", kProbeTimeout)).status == 200)
      co_return true;
    beast::error_code ignored;
    timer_.expires_after(kReadyPoll);
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ignored));
  }
  co_return false;
}

awaitable<std::optional<MetricSample>> GatewayWatch::Sample() {
  const SteadyTime asked = std::chrono::steady_clock::now();
  const HttpAnswer answer = co_await HttpGet(endpoint_, host_header_, "/metrics", kProbeTimeout);
  if (answer.status != 200) co_return std::nullopt;
  // A family is declared (HELP and TYPE lines) before its first series exists: then 0.
  if (answer.body.find("deliverer_messages_accepted_total") == std::string::npos)
    co_return std::nullopt;
  const auto accepted = SumMetric(answer.body, "deliverer_messages_accepted_total");
  const auto delivered = SumMetric(answer.body, "deliverer_messages_delivered_total");
  const double t_s = std::chrono::duration<double>(asked - start_).count();
  co_return MetricSample{t_s, accepted.value_or(0), delivered.value_or(0)};
}

awaitable<bool> GatewayWatch::Baseline() {
  baseline_ = co_await Sample();
  co_return baseline_.has_value();
}

void GatewayWatch::StartSampling(SteadyTime start, std::chrono::milliseconds interval) {
  start_ = start;
  if (!baseline_) return;
  sampling_ = true;
  asio::co_spawn(io_, SampleLoop(interval), asio::detached);
}

awaitable<void> GatewayWatch::SampleLoop(std::chrono::milliseconds interval) {
  while (sampling_) {
    beast::error_code ignored;
    timer_.expires_after(interval);
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ignored));
    if (!sampling_) break;
    auto sample = co_await Sample();
    // A sample that finishes after Finish() began would land after the final one.
    if (sample && sampling_) samples_.push_back(*sample);
  }
}

awaitable<void> GatewayWatch::Finish() {
  if (!sampling_) co_return;
  sampling_ = false;
  timer_.cancel();
  if (auto sample = co_await Sample()) samples_.push_back(*sample);
}

std::optional<GatewayFigures> GatewayWatch::Figures() const {
  if (!baseline_ || samples_.empty()) return std::nullopt;
  return GatewayFiguresOf(*baseline_, samples_);
}

std::optional<uint64_t> GatewayWatch::DeliveredSoFar() const {
  const auto figures = Figures();
  if (!figures) return std::nullopt;
  return figures->delivered;
}

}  // namespace deliverer::loadgen
