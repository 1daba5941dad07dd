#pragma once
// Internal to the sim component: the simulator's state and behaviour behind Simulator
// (simulator.h has the contract). engine.cc holds the lifecycle, the accept loop and the
// faults; engine_pdus.cc what the SMSC answers to each PDU; engine_http.cc what the HTTP
// carrier answers to each request; engine_control.cc the control API's operations.
//
// Not thread-safe: everything runs on the io_context's one thread. Shared so that every
// coroutine and handler it starts can keep it alive until it has run.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "sim/decide.h"
#include "sim/http_poster.h"
#include "sim/http_receipts.h"
#include "sim/http_server.h"
#include "sim/http_wire.h"
#include "sim/links.h"
#include "sim/mo.h"
#include "sim/receipt_desk.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/simulator.h"
#include "sim/stats.h"

namespace deliverer::sim {

class Engine final : public std::enable_shared_from_this<Engine> {
 public:
  static constexpr std::chrono::milliseconds kTickInterval{100};

  Engine(boost::asio::io_context& io, SimOptions options);
  ~Engine();

  Result<Ports> Start();
  void Stop();

  const SimConfig& config() const { return config_; }
  Result<SimConfig> PatchConfig(const nlohmann::json& patch);
  Stats StatsNow();

  // Control operations (engine_control.cc).
  boost::asio::awaitable<HttpReply> HandleControl(const HttpRequest& request);
  // The number of deliver_sm sent; error "no_receiver" when no receiver-capable bind exists.
  Result<int> InjectMo(const MoRequest& request);
  // POSTs the MO to http.inbound_url; the control API's reply.
  boost::asio::awaitable<HttpReply> InjectMoHttp(const MoRequest& request);
  int DisconnectAll();
  void ResetStats() { stats_ = Stats{}; }

  // The HTTP carrier's requests (engine_http.cc).
  boost::asio::awaitable<HttpReply> HandleCarrier(const HttpRequest& request);

 private:
  // A submit_sm_resp held back by submit.latency_ms, with the receipts that follow it.
  struct DelayedAnswer {
    uint64_t link = 0;
    std::vector<uint8_t> wire;
    std::vector<uint64_t> receipts;
    std::chrono::milliseconds receipt_delay{0};
  };

  // engine.cc
  boost::asio::awaitable<void> AcceptLoop();
  // The TLS handshake of one accepted connection, then serving it.
  boost::asio::awaitable<void> ServeTls(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> Serve(std::shared_ptr<Link> link);
  void OnTick();
  void Disconnect(Link& link, bool cut);
  void OnLinkClosed(Link& link);
  double SecondsSinceStart() const;
  int64_t NowMs() const { return clock_->NowUnixMillis(); }

  // engine_pdus.cc
  void OnPdu(Link& link, smpp::Pdu&& pdu);
  void OnMalformed(Link& link, const smpp::Malformed& malformed);
  void OnBind(Link& link, uint32_t seq, const std::string& system_id,
              const std::string& password, BindKind kind);
  void OnSubmit(Link& link, const smpp::Pdu& pdu);
  void OnDeliverAnswer(Link& link, const smpp::Pdu& pdu);
  uint32_t BindStatus(const Link& link, const std::string& system_id,
                      const std::string& password) const;
  void Answer(Link& link, const smpp::Pdu& response);
  // Counts the answer; for an accepted submit, takes and returns the next carrier id counter.
  uint64_t CountAnswer(AnswerKind kind);
  std::vector<uint64_t> MakeReceipts(const Link& link, const smpp::SubmitSm& submit,
                                     const SubmitDecision& decision, uint64_t counter,
                                     std::string_view text);
  // Now, or after the decided latency; then the receipts that follow the answer.
  void AnswerSubmit(Link& link, const smpp::Pdu& response, const SubmitDecision& decision,
                    std::vector<uint64_t> receipts);
  void AfterAnswer(const std::vector<uint64_t>& receipts, std::chrono::milliseconds delay);
  void OnDelayedAnswer(uint64_t id);
  void Record(const Link& link, uint32_t seq, const smpp::SubmitSm& submit,
              std::string_view carrier_id, std::optional<uint32_t> status,
              const SubmitContent* content);
  void CountPdu(Link& link);

  // engine_http.cc. `early` receives the receipts to post before the answer is written.
  HttpReply CarrierReply(const HttpRequest& request, std::vector<uint64_t>& early);
  HttpReply BlackHole(const HttpRequest& request);
  HttpReply SubmitHttp(const SendRequest& send, uint64_t connection, std::vector<uint64_t>& early);
  std::vector<uint64_t> MakeHttpReceipts(const SubmitDecision& decision, uint64_t counter);
  void RecordHttp(uint64_t connection, const SendRequest& send, std::string_view carrier_id,
                  std::optional<unsigned> status, std::string_view answer);
  void ApplyHttpConfig();
  bool Unavailable() const;

  boost::asio::io_context& io_;
  SimOptions options_;
  SimConfig config_;
  SystemClock system_clock_;
  const Clock* clock_;
  Rng rng_;
  Stats stats_;
  Scheduler scheduler_;
  LinkTable links_;
  ReceiptDesk desk_;
  HttpPoster dlr_poster_;
  HttpPoster inbound_poster_;
  HttpReceiptDesk http_desk_;
  TokenBucket bucket_;
  RecordWriter record_;
  HttpServer control_;
  HttpServer carrier_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> smpp_tls_;  // null: plain SMPP
  Steady::time_point started_at_{};
  uint64_t next_carrier_id_ = 0;
  uint64_t next_delayed_id_ = 1;
  std::unordered_map<uint64_t, DelayedAnswer> delayed_;
  uint16_t mo_reference_ = 0;
  bool in_outage_ = false;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace deliverer::sim
