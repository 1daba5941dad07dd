#pragma once
// Internal to smppd: the server's state behind Server (server.h has the contract).
// server.cc holds the lifecycle and the accept loop; connection.cc one producer's
// connection and its bind; submits.cc what a submit_sm or data_sm becomes, long messages'
// parts included; deliveries.cc the receipts out to receiver binds.
//
// Not thread-safe: everything runs on the io_context's one thread. Shared, so that a
// connection (which holds it) keeps it alive until its coroutines ended.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <functional>
#include <set>
#include <string>

#include "smpp/net/channel.h"
#include "smppd/parts.h"
#include "smppd/net/server.h"
#include "smppd/submit.h"

namespace deliverer::smppd::net {

class Connection;

// Log lines name the component so.
inline constexpr std::string_view kComponent = "smppd";

// What a submit is answered with.
struct SubmitAnswer {
  uint32_t status = 0;
  std::string message_id;  // with ESME_ROK
};

// Who a bound connection is.
struct Identity {
  std::string system_id;
  std::string key_id;
  std::string account;
  uint32_t scopes = 0;
};

class Core final : public std::enable_shared_from_this<Core> {
 public:
  Core(boost::asio::io_context& io, ServerOptions options, ServerDeps deps, boost::asio::ssl::context* tls);

  Result<boost::asio::ip::tcp::endpoint> Listen();
  Status Start();
  void Stop();

  const ServerOptions& options() const { return options_; }
  const ServerDeps& deps() const { return deps_; }
  boost::asio::io_context& io() { return io_; }
  bool stopping() const { return stopping_; }

  // connection.cc asks these.
  size_t BindsOf(const std::string& system_id) const;
  void OnBound(const Connection& connection);
  void OnClosed(uint64_t id);
  // submits.cc: the answer to one submit, once the message is durable or refused.
  boost::asio::awaitable<void> HandleSubmit(std::shared_ptr<Connection> connection, uint32_t sequence,
                                            smpp::Pdu pdu);
  // deliveries.cc: a deliver_sm's answer.
  void OnDeliveryAnswer(const std::string& event_id, uint32_t command_status, int attempts);

  // Metrics.
  void CountSubmit(uint32_t command_status);
  void CountBindRefused(std::string_view reason);

 private:
  struct PartSet {
    std::string message_id;
  };

  // server.cc
  boost::asio::awaitable<void> AcceptLoop();
  boost::asio::awaitable<void> ServeTls(boost::asio::ip::tcp::socket socket);
  void Serve(std::shared_ptr<smpp::net::Channel> channel);
  void UpdateGauges();

  // submits.cc
  boost::asio::awaitable<SubmitAnswer> AcceptWhole(const Connection& connection, const ProducerSubmit& submit);
  boost::asio::awaitable<SubmitAnswer> AcceptPart(const Connection& connection, const ProducerSubmit& submit);
  // The answer to a part carrying `message_id` when that message exists already: its id
  // when it is this producer's message from and to the same numbers, else a conflict.
  std::optional<SubmitAnswer> MadeAlready(const Identity& identity, const store::InboundPartsKey& key,
                                          const std::string& message_id);
  boost::asio::awaitable<SubmitAnswer> AcceptSet(const Identity& identity, const std::string& peer,
                                           const store::InboundPartsKey& key,
                                           const std::vector<store::InboundPart>& parts);
  // Ends a set that cannot become a message (incomplete in time, or refused whole) as a
  // stored rejected message, consuming its parts: the producer, whose parts were
  // answered, learns it from its receipt (and GET /v1/messages/{id}).
  boost::asio::awaitable<void> RejectSet(const store::InboundPartsKey& key,
                                         const std::vector<store::InboundPart>& parts, Error error);
  Status LoadPartSets();
  void ScheduleSweep();
  boost::asio::awaitable<void> SweepParts();
  static std::string SetName(const store::InboundPartsKey& key);

  // deliveries.cc
  void SchedulePoll();
  void Poll();
  void PollSystemId(const std::string& system_id, int64_t now_ms);
  void PollAccountInbound(const std::string& account, int64_t now_ms);
  // What a poll does with one outbox row: give it up (too old, or past the bound), or try
  // it on the first bind of `binds` with room. False when no bind had room.
  bool Offer(const std::string& event_id, int64_t at_ms, bool over_bound, int attempts,
             const std::vector<std::shared_ptr<Connection>>& binds, smpp::DeliverSm&& pdu,
             std::vector<store::WebhookDone>& done);
  std::vector<std::shared_ptr<Connection>> ReceiversWhere(const std::function<bool(const Identity&)>& match) const;
  void Complete(std::vector<store::WebhookDone> done);

  boost::asio::io_context& io_;
  const ServerOptions options_;
  const ServerDeps deps_;
  boost::asio::ssl::context* const tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer sweep_timer_;
  uint64_t next_connection_id_ = 1;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;
  std::map<std::string, PartSet> part_sets_;  // by SetName: the sets with parts in the store
  std::set<std::string> delivering_;          // event ids out on a bind, or being completed
  bool stopping_ = false;
  bool started_ = false;
};

class Connection final : public SessionCallbacks, public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Core> core, uint64_t id, std::shared_ptr<smpp::net::Channel> channel);

  boost::asio::awaitable<void> Run();
  void CloseNow() { channel_->Close(); }

  // A deliver_sm for outbox row `event_id`; false when the bind has no room.
  bool Deliver(smpp::DeliverSm&& pdu, const std::string& event_id, int attempts);

  uint64_t id() const { return id_; }
  const std::string& peer() const { return peer_; }
  const Identity& identity() const { return identity_; }
  ServerSession& session() { return session_; }
  const ServerSession& session() const { return session_; }

 private:
  struct OutDelivery {
    std::string event_id;
    int attempts = 0;
  };
  // SessionCallbacks
  void Send(const smpp::Pdu& pdu) override;
  void Close(std::string_view reason) override;
  void OnBind(const BindRequest& request) override;
  void OnSubmit(uint32_t sequence, smpp::Pdu&& pdu) override;
  void OnDeliverAnswer(uint32_t sequence, uint32_t command_status) override;

  boost::asio::awaitable<void> VerifyBind(BindRequest request);
  // The credential `request` names whose password matches, or an error for the bind_resp.
  boost::asio::awaitable<Result<store::ApiKeyRecord>> FindCredential(const BindRequest& request);
  boost::asio::awaitable<void> TickLoop();
  void Audit(std::string action, const std::string& system_id);

  std::shared_ptr<Core> core_;
  const uint64_t id_;
  std::shared_ptr<smpp::net::Channel> channel_;
  std::string peer_;
  ServerSession session_;
  Identity identity_;
  boost::asio::steady_timer tick_timer_;
  std::map<uint32_t, OutDelivery> out_;  // deliver_sm sequence → its outbox row
};

}  // namespace deliverer::smppd::net
