#pragma once
// The SMPP 3.4 server for producers (docs/smpp-server.md): producers bind with an SMPP
// credential (auth/smpp_password.h, `deliverer keys create --smpp-system-id`), submit with
// submit_sm or data_sm through the same acceptance pipeline as POST /v1/messages
// (api/acceptance.h), and get receipts back as deliver_sm on their receiver or transceiver
// binds, queued durably while they are not bound.
//
// Layering: the pure pieces (session.h: the state machine; submit.h, data_coding.h,
// parts.h, status_map.h) under this Asio shell, which reads and writes through
// smpp::net::Channel (the simulator's and the carriers' channel) and listens with
// sim::Listen.
//
// Threading: everything runs on the io_context given, on one thread: the HTTP API's, whose
// Acceptor and rate limiter it shares. Password checks run on `work_pool` when there is one.
// Store reads here are synchronous (store/seam.h), and small.
//
// Bounds (docs/smpp-server.md "Limits"): connections, binds per system_id, submits per bind
// (the window), deliver_sm out per bind, parts waiting, receipts queued per system_id.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>

#include "api/acceptance.h"
#include "api/rate_limiter.h"
#include "common/clock.h"
#include "config/config.h"
#include "metrics/metrics.h"
#include "smppd/session.h"
#include "store/audit_log.h"
#include "store/inbound_store.h"
#include "store/key_store.h"
#include "store/message_store.h"
#include "store/outbox_store.h"

namespace deliverer::smppd::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 2776;
  size_t max_connections = 1'000;
  size_t max_binds_per_system_id = 8;
  SessionLimits session;
  int64_t max_pending_parts = 10'000;
  Millis parts_timeout{600'000};
  size_t max_queued_deliveries = 10'000;
  Millis delivery_retention{72 * 3'600'000LL};
  Millis poll_interval{200};  // how often bound receivers' queues are read
  std::string system_id = "deliverer";  // in bind_resp

  static ServerOptions From(const config::SmppServerConfig& config);
};

// What the server borrows; everything must outlive it.
struct ServerDeps {
  api::Acceptor& acceptor;
  api::RateLimiter& rate_limiter;
  api::AuthFailureLimiter& auth_failures;
  store::KeyStore& keys;
  store::AuditLog& audit;
  store::InboundStore& parts;
  store::OutboxStore& outbox;
  store::MessageStore& messages;
  metrics::Registry& metrics;
  Clock& clock;
  boost::asio::thread_pool* work_pool = nullptr;  // password checks; null: on the I/O thread
};

class Core;

class Server {
 public:
  // `tls`, when not null, must outlive the server: every connection is then SMPP over TLS.
  Server(boost::asio::io_context& io, ServerOptions options, ServerDeps deps,
         boost::asio::ssl::context* tls = nullptr);
  ~Server();

  // Binds and listens; the bound endpoint (port 0 picks a free one).
  Result<boost::asio::ip::tcp::endpoint> Listen();
  // Reads the parts sets waiting in the store (from before a restart), then accepts
  // connections and starts the timers of the receipts and the parts.
  Status Start();
  // Stops accepting and closes every connection; submits being accepted finish.
  void Stop();

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace deliverer::smppd::net
