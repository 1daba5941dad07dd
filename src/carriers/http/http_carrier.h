#pragma once
// A carrier reached over its HTTP API (docs/configuration.md "[[carriers]]"): one POST per
// message on a pool of keep-alive connections (HTTPS verified), under the same adaptive
// TPS limit as SMPP binds (a 429 slows it down). Receipts and inbound messages come back
// through POST /v1/dlr/{carrier} and /v1/inbound/{carrier}, not through this class: the
// API hands them to carriers/http/callback_sink.h.
//
// Health: the carrier is up once a connection could be opened. A failure to connect marks
// it down (the listener hears 0 links, the circuit breaker opens), hands every queued
// message back as kNotSent so it can go elsewhere, and probes with jittered backoff.
//
// Threading and contract: see carriers/carrier.h. Destroy only after Stop's callback.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "carriers/carrier.h"
#include "common/adaptive_rate.h"
#include "common/result.h"
#include "common/unhandled.h"
#include "config/config.h"
#include "httpc/connection.h"
#include "receipts/carrier_id.h"

namespace deliverer::carriers::http {

struct HttpCarrierOptions {
  std::string id;
  std::string url;
  std::string token;  // sent as `<auth_header>: <auth_scheme> <token>`; "" = none
  config::HttpCarrierConfig api;
  double tps = 0;  // 0 = unlimited
  Millis timeout{10'000};
  Millis reconnect_min{500};
  Millis reconnect_max{30'000};
  bool tls_verify = true;
  std::string tls_ca_file;
  receipts::CarrierIdMatch id_match = receipts::CarrierIdMatch::kAuto;
};

class HttpCarrier final : public Carrier {
 public:
  // Errors: "invalid_url", "tls_trust".
  static Result<std::unique_ptr<HttpCarrier>> Create(boost::asio::any_io_executor executor,
                                                     HttpCarrierOptions options, CarrierListener& listener,
                                                     const Clock& clock);
  ~HttpCarrier() override;

  const std::string& id() const override { return options_.id; }
  void Start() override;
  void Stop(Millis drain, std::function<void()> done) override;
  bool CanSubmit() const override;
  void Submit(CarrierSubmit submit, SubmitCallback done) override;
  CarrierState State() const override;

 private:
  struct Queued {
    CarrierSubmit submit;
    SubmitCallback done;
  };
  struct Worker {
    std::unique_ptr<httpc::Connection> connection;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool waiting = false;  // for work, rather than for a token or an answer
  };

  HttpCarrier(boost::asio::any_io_executor executor, HttpCarrierOptions options, validation::Url url,
              std::unique_ptr<boost::asio::ssl::context> tls, CarrierListener& listener, const Clock& clock);
  boost::asio::awaitable<void> Work(Worker& worker);
  boost::asio::awaitable<void> Probe();
  // The completion of a Probe coroutine: one that throws ends as a probe that gave up.
  LogUnhandled ProbeFailed();
  boost::asio::awaitable<SubmitReport> Send(Worker& worker, const CarrierSubmit& submit);
  void WakeOne();
  void MarkUp();
  void MarkDown(const std::string& why);
  void FailQueued(std::string_view why);
  void TaskEnded();

  boost::asio::any_io_executor executor_;
  const HttpCarrierOptions options_;
  const validation::Url url_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  CarrierListener& listener_;
  const Clock& clock_;
  AdaptiveRate rate_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::deque<Queued> queue_;
  std::unique_ptr<httpc::Connection> probe_connection_;  // its own, so probes never race a worker
  boost::asio::steady_timer probe_timer_;
  boost::asio::steady_timer drain_timer_;
  std::mt19937_64 random_;
  bool up_ = false;
  bool probing_ = false;
  bool stopping_ = false;
  int tasks_ = 0;  // running coroutines; Stop's callback runs when the last one ends
  std::function<void()> stopped_;
  size_t in_flight_ = 0;
  uint64_t submitted_ = 0, accepted_ = 0, failed_ = 0;
};

}  // namespace deliverer::carriers::http
