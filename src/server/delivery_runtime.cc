#include "server/delivery_runtime.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <map>

#include "carriers/carrier_factory.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"
#include "routing/router.h"

namespace deliverer::server {

namespace {

constexpr const char* kDemoCarrier = "demo-sim";

}  // namespace

Result<std::unique_ptr<DeliveryRuntime>> DeliveryRuntime::Create(config::Config config, bool demo,
                                                                   store::Backend& store,
                                                                   metrics::Registry& metrics,
                                                                   const Clock& clock) {
  std::unique_ptr<DeliveryRuntime> rt(new DeliveryRuntime());
  rt->config_ = std::move(config);
  rt->demo_ = demo;
  if (demo) {
    if (Status s = rt->StartDemoCarrier(); !s.ok()) return s.error();
  }
  auto router = routing::Router::Create(rt->config_);
  if (!router.ok()) return router.take_error();
  rt->router_ = std::make_unique<routing::RouterHolder>(std::make_shared<const routing::Router>(std::move(*router)));
  rt->circuits_ = std::make_unique<routing::CircuitBoard>(rt->config_.carriers);
  if (rt->config_.queue.backend == "rabbitmq") {
    auto dispatch = MakeDispatchQueue(rt->config_, metrics);
    if (!dispatch.ok()) return dispatch.take_error();
    rt->dispatch_ = dispatch->get();
    rt->queue_ = std::move(*dispatch);
  } else {
    rt->queue_ = std::make_unique<queue::EmbeddedQueue>();
  }
  rt->webhooks_ = std::make_unique<webhooks::Dispatcher>(webhooks::DispatcherOptions::From(rt->config_), store,
                                                         metrics, clock);
  rt->engine_ = std::make_unique<delivery::Engine>(
      rt->io_, delivery::EngineOptions::From(rt->config_),
      delivery::EngineDeps{.delivery_store = store,
                           .inbound_store = store,
                           .suppressions = store,
                           .canary_store = store,
                           .queue = *rt->queue_,
                           .router = *rt->router_,
                           .circuits = *rt->circuits_,
                           .canary_halts = rt->canary_halts_,
                           .metrics = metrics,
                           .clock = clock,
                           .circuit_observer = rt->webhooks_.get(),
                           .claims = &rt->claims_,
                           .canary_observer = rt->webhooks_.get(),
                           .smpp_credentials = rt->config_.smpp_server.enabled ? &store : nullptr});
  std::map<std::string, receipts::CarrierIdMatch> id_match;
  for (const config::CarrierConfig& c : rt->config_.carriers) {
    id_match[c.id] = carriers::IdMatchOf(c);
    if (!c.enabled) continue;
    auto carrier = carriers::MakeCarrier(rt->io_.get_executor(), c, *rt->engine_, clock);
    if (!carrier.ok()) return carrier.take_error();
    rt->engine_->AddCarrier(std::move(*carrier));
  }
  // On a shared database, `serve --role api` processes hand what they accept to this one.
  // With RabbitMQ every process does, this one included, and the hand-over publishes in
  // the order the messages were stored (docs/deployment.md "Dispatch through RabbitMQ").
  if (rt->config_.storage.backend == "postgres") {
    delivery::HandoverFeed::Options options;
    if (rabbitmq::DispatchQueue* dispatch = rt->dispatch_) {
      options.can_take = [dispatch] { return dispatch->Pending() < kDispatchPendingHighWater; };
    }
    rt->handover_ = std::make_unique<delivery::HandoverFeed>(store, *rt->queue_, metrics, std::move(options));
  }
  rt->callbacks_ = std::make_unique<carriers::http::HttpCallbackSink>(rt->io_.get_executor(), *rt->engine_,
                                                                      std::move(id_match));
  return rt;
}

// --demo: a simulator answering like a perfect carrier, with receipts after a moment, and
// one carrier profile pointing at it.
Status DeliveryRuntime::StartDemoCarrier() {
  sim::SimOptions options;
  options.config.receipts.delay_ms_min = 200;
  options.config.receipts.delay_ms_max = 800;
  sim_ = std::make_unique<sim::Simulator>(sim_io_, options);
  auto ports = sim_->Start();
  if (!ports.ok()) return ports.error();
  sim_thread_ = std::thread([this] {
    NameThisThread("demo-sim");
    RunGuarded(sim_io_, "demo-sim");
  });
  config::CarrierConfig carrier;
  carrier.id = kDemoCarrier;
  carrier.port = ports->smpp;
  carrier.system_id = "demo";
  carrier.password = "demo";
  carrier.binds = 1;
  config_.carriers = {carrier};
  config_.routes = {config::RouteConfig{"*", "failover", {kDemoCarrier}, {}, std::nullopt}};
  log::Info("server", "demo carrier: the built-in simulator on 127.0.0.1:{} (control on :{})",
            ports->smpp, ports->control);
  return Status::Ok();
}

DeliveryRuntime::~DeliveryRuntime() {
  Stop();
  if (sim_) {
    boost::asio::post(sim_io_, [this] { sim_->Stop(); });
    if (sim_thread_.joinable()) sim_thread_.join();
    sim_.reset();
  }
}

Status DeliveryRuntime::Start() {
  if (handover_) {
    if (Status s = handover_->Discard(); !s.ok()) return s;
  }
  // Before recovery, whose deliveries a dispatch queue publishes.
  if (dispatch_ != nullptr) dispatch_->Start();
  if (Status s = engine_->Recover(); !s.ok()) return s;
  if (handover_) handover_->Start();
  boost::asio::post(io_, [this] { engine_->Start(); });
  thread_ = std::thread([this] {
    NameThisThread("delivery");
    auto guard = boost::asio::make_work_guard(io_);
    RunGuarded(io_, "delivery");
  });
  webhooks_->Start();
  return Status::Ok();
}

void DeliveryRuntime::Stop() {
  if (!thread_.joinable()) return;
  if (handover_) handover_->Stop();
  std::promise<void> drained;
  engine_->Stop(Millis(int64_t{config_.delivery.drain_timeout_s} * 1000), [&] { drained.set_value(); });
  drained.get_future().wait();
  io_.stop();
  thread_.join();
  // The engine acked what it finished; what it did not goes back to the broker.
  if (dispatch_ != nullptr) dispatch_->Stop();
  webhooks_->Stop();
}

Status DeliveryRuntime::Reload(const config::Config& config) {
  if (demo_) return Status::Ok();  // the demo's routes are its own
  if (Status s = router_->Reload(config); !s.ok()) return s;
  circuits_->Reconfigure(config.carriers);
  log::Info("server", "routes reloaded (generation {})", router_->generation());
  return Status::Ok();
}

api::DeliveryStatus DeliveryRuntime::Snapshot() const {
  api::DeliveryStatus status;
  for (delivery::CarrierView& view : engine_->Snapshot()) {
    status.carriers.push_back(
        api::CarrierStatus{std::move(view.state), std::string(routing::ToString(view.circuit.state))});
  }
  status.queue_depth = static_cast<int64_t>(queue_->Depth());
  return status;
}

}  // namespace deliverer::server
