#pragma once
// Reading the gateway's own view during a run: one-off GETs (/readyz, /metrics) on
// fresh connections, and a sampler that reads /metrics every `interval` so the report
// can show what the gateway counted (observe.h GatewayFiguresOf) next to what the
// bench saw. Not thread-safe: the io_context's one thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/observe.h"
#include "loadgen/time_base.h"

namespace deliverer::loadgen {

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
};

// GET `target` on a new connection to `endpoint`, within `timeout`.
boost::asio::awaitable<HttpAnswer> HttpGet(const boost::asio::ip::tcp::endpoint& endpoint,
                                           const std::string& host_header,
                                           const std::string& target,
                                           std::chrono::milliseconds timeout);

class GatewayWatch {
 public:
  GatewayWatch(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
               std::string host_header);

  // Polls /readyz until it answers 200 (a spawned gateway has bound its carrier) or
  // `within` passes; false then.
  boost::asio::awaitable<bool> WaitReady(std::chrono::milliseconds within);
  // Reads the counters before the run; false when /metrics cannot be read (the report
  // then has no gateway figures).
  boost::asio::awaitable<bool> Baseline();
  // Samples every `interval` from `start` on, until Finish.
  void StartSampling(SteadyTime start, std::chrono::milliseconds interval);
  // Takes a last sample and stops sampling.
  boost::asio::awaitable<void> Finish();

  std::optional<GatewayFigures> Figures() const;
  // Messages the gateway counted delivered since the baseline, as of the last sample;
  // nullopt without figures.
  std::optional<uint64_t> DeliveredSoFar() const;

 private:
  boost::asio::awaitable<std::optional<MetricSample>> Sample();
  boost::asio::awaitable<void> SampleLoop(std::chrono::milliseconds interval);

  boost::asio::io_context& io_;
  const boost::asio::ip::tcp::endpoint endpoint_;
  const std::string host_header_;
  boost::asio::steady_timer timer_;
  SteadyTime start_{};
  std::optional<MetricSample> baseline_;
  std::vector<MetricSample> samples_;
  bool sampling_ = false;
};

}  // namespace deliverer::loadgen
