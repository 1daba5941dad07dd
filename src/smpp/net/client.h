#pragma once
// One SMPP bind to a carrier, on Asio: connects (TCP, or TLS with peer verification on by
// default), runs the Session state machine (smpp/session.h) over a Channel, drives its
// timers, and reconnects with exponential backoff and full jitter. A refused bind (bad
// credentials, ...) is logged as an error and retried only after the longest backoff,
// never in a hot loop.
//
// Threading: everything runs on the executor given at construction, and every public
// member must be called on it (post to it from elsewhere). Handler callbacks run there.
// Several clients of one carrier share one AdaptiveRate, so they share that executor.
//
// Lifetime: create with std::make_shared; the client keeps itself alive while its
// coroutines run. Stop() then wait for its callback before dropping the executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "common/clock.h"
#include "smpp/codec.h"
#include "smpp/net/channel.h"
#include "smpp/session.h"

namespace deliverer::smpp::net {

struct ClientEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  bool tls = false;
  bool tls_verify = true;     // verify the SMSC's certificate and host name
  std::string tls_ca_file;    // "" = the system's trust store
  Millis connect_timeout{5'000};
  Millis reconnect_min{500};  // first backoff ceiling; doubles per failure
  Millis reconnect_max{30'000};
  size_t max_pdu_len = kDefaultMaxPduLength;
};

class SmppClient final : public std::enable_shared_from_this<SmppClient>,
                         private SessionTransport,
                         private SessionHandler {
 public:
  // `name` labels log lines (e.g. "sim-a#1"). `rate` and `handler` must outlive the client.
  SmppClient(boost::asio::any_io_executor executor, std::string name, ClientEndpoint endpoint,
             SessionConfig config, AdaptiveRate& rate, SessionHandler& handler,
             const Clock& clock, uint64_t seed);
  ~SmppClient() override;

  // Starts connecting. Call once.
  void Start();
  // Session::Submit on this bind; false when it cannot take the submit now.
  bool Submit(SubmitId id, SubmitSm&& pdu);
  bool CanSubmit() const { return session_.CanSubmit(); }
  void AnswerDeliver(DeliverRef ref, uint32_t command_status);
  // Stops taking submits, waits up to `drain` for outstanding answers, unbinds, closes,
  // and calls `done` (on the executor) once no connection is left.
  void Stop(Millis drain, std::function<void()> done);

  SessionState state() const { return session_.state(); }
  size_t outstanding() const { return session_.outstanding(); }
  size_t queued() const { return session_.queued(); }  // taken, waiting for room in the window
  uint64_t connections() const { return session_.connection(); }
  const std::string& name() const { return name_; }

 private:
  // SessionTransport
  void Send(const Pdu& pdu) override;
  void Disconnect(std::string_view reason) override;
  // SessionHandler: forwarded to the handler, with logging and backoff bookkeeping.
  void OnBound() override;
  void OnUnbound() override;
  void OnBindRefused(uint32_t command_status) override;
  void OnSubmitDone(SubmitId id, SubmitOutcome&& outcome) override;
  void OnDeliverSm(DeliverRef ref, DeliverSm&& pdu) override;

  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<std::shared_ptr<Channel>> Connect();
  boost::asio::awaitable<void> ReadLoop(std::shared_ptr<Channel> channel);
  boost::asio::awaitable<void> TickLoop(std::shared_ptr<Channel> channel);
  // Wakes the tick loop when the session's next deadline moved earlier.
  void Rearm();
  Millis NextBackoff();
  void Finish();

  boost::asio::any_io_executor executor_;
  const std::string name_;
  const ClientEndpoint endpoint_;
  SessionHandler& handler_;
  const Clock& clock_;
  Session session_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
  std::shared_ptr<Channel> channel_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer backoff_timer_;
  TimePoint armed_for_ = TimePoint::max();
  std::mt19937_64 random_;
  int failures_ = 0;
  bool bind_refused_ = false;
  bool started_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  std::function<void()> on_stopped_;
};

}  // namespace deliverer::smpp::net
