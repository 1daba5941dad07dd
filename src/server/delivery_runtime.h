#pragma once
// The delivering half of `deliverer serve`: the delivery thread (its io_context runs the
// engine and every carrier connection), the embedded queue, the router and circuit
// breakers, the webhook dispatcher, and for --demo an in-process simulator on a thread of
// its own acting as the carrier. Composition only: each part documents itself.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <thread>

#include "api/process_view.h"
#include "carriers/http/callback_sink.h"
#include "config/config.h"
#include "delivery/engine.h"
#include "delivery/handover_feed.h"
#include "metrics/metrics.h"
#include "queue/claims.h"
#include "queue/embedded/embedded_queue.h"
#include "routing/canary_halts.h"
#include "routing/circuit_board.h"
#include "routing/router_holder.h"
#include "server/dispatch.h"
#include "sim/simulator.h"
#include "store/backend.h"
#include "webhooks/dispatcher.h"

namespace deliverer::server {

class DeliveryRuntime final : public api::DeliveryView {
 public:
  // Errors: "invalid_config" (routes), or the simulator's when --demo cannot start it.
  static Result<std::unique_ptr<DeliveryRuntime>> Create(config::Config config, bool demo,
                                                         store::Backend& store,
                                                         metrics::Registry& metrics, const Clock& clock);
  ~DeliveryRuntime();

  queue::Queue& queue() { return *queue_; }
  // Shared by the engine and the API's cancels (queue/claims.h).
  queue::Claims& claims() { return claims_; }
  delivery::Engine& engine() { return *engine_; }
  // The routes in use (Reload swaps them): the API estimates costs with them too.
  routing::RouterHolder& router() { return *router_; }
  // The canary roll-outs halted in this process (a reload keeps them): the API lifts one
  // once its resume is durable.
  routing::CanaryHalts& canary_halts() { return canary_halts_; }
  // Recovers queued messages, connects the carriers, starts the threads.
  Status Start();
  // SIGTERM: drains in-flight submits within the configured deadline, unbinds, stops.
  void Stop();
  // SIGHUP: routes and circuit breaker settings from `config`; carriers stay connected.
  Status Reload(const config::Config& config);

  // api::DeliveryView: GET /v1/admin/carriers.
  api::DeliveryStatus Snapshot() const override;
  // Carriers with a link up (readiness).
  int CarriersUp() const override { return engine_->CarriersUp(); }

  // Where the API hands the receipts and inbound messages carriers POST; they reach the
  // engine on the delivery thread. Any thread.
  carriers::CallbackSink& callbacks() { return *callbacks_; }

 private:
  DeliveryRuntime() = default;
  Status StartDemoCarrier();

  config::Config config_;
  bool demo_ = false;
  boost::asio::io_context io_;
  std::unique_ptr<queue::Queue> queue_;  // embedded, or dispatch_ (RabbitMQ)
  rabbitmq::DispatchQueue* dispatch_ = nullptr;
  queue::Claims claims_;
  std::unique_ptr<routing::RouterHolder> router_;
  std::unique_ptr<routing::CircuitBoard> circuits_;
  routing::CanaryHalts canary_halts_;
  std::unique_ptr<webhooks::Dispatcher> webhooks_;  // the engine's circuit and canary observer
  std::unique_ptr<delivery::Engine> engine_;
  std::unique_ptr<delivery::HandoverFeed> handover_;  // a shared (PostgreSQL) store only
  std::unique_ptr<carriers::http::HttpCallbackSink> callbacks_;
  std::thread thread_;
  // --demo: the simulator on its own io_context and thread.
  boost::asio::io_context sim_io_;
  std::unique_ptr<sim::Simulator> sim_;
  std::thread sim_thread_;
};

}  // namespace deliverer::server
