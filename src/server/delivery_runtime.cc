#include "server/delivery_runtime.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <future>
#include <map>

#include "carriers/http/http_carrier.h"
#include "carriers/smpp/smpp_carrier.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"
#include "receipts/carrier_id.h"
#include "routing/router.h"

namespace deliverer::server {

namespace {

constexpr const char* kDemoCarrier = "demo-sim";

deliverer::smpp::StatusPolicy PolicyOf(const config::CarrierConfig& c) {
  auto klass = [](config::FailureClass f) {
    return f == config::FailureClass::kPermanent ? deliverer::smpp::StatusClass::kPermanent
                                                 : deliverer::smpp::StatusClass::kTransient;
  };
  deliverer::smpp::StatusPolicy policy;
  policy.unknown = klass(c.unknown_status);
  for (const auto& o : c.status_overrides) policy.overrides.emplace_back(o.command_status, klass(o.failure));
  return policy;
}

receipts::CarrierIdMatch IdMatchOf(const std::string& setting) {
  if (setting == "exact") return receipts::CarrierIdMatch::kAsIs;
  if (setting == "tolerant") return receipts::CarrierIdMatch::kAuto;
  return receipts::ParseCarrierIdMatch(setting).value_or(receipts::CarrierIdMatch::kAuto);
}

carriers::smpp::SmppCarrierOptions SmppOptionsOf(const config::CarrierConfig& c) {
  carriers::smpp::SmppCarrierOptions o;
  o.id = c.id;
  o.endpoint.host = c.host;
  o.endpoint.port = c.port;
  o.endpoint.tls = c.tls;
  o.endpoint.tls_verify = c.tls_verify;
  o.endpoint.tls_ca_file = c.tls_ca_file;
  o.endpoint.reconnect_min = Millis(c.reconnect_min_ms);
  o.endpoint.reconnect_max = Millis(c.reconnect_max_ms);
  o.endpoint.max_pdu_len = static_cast<size_t>(c.max_pdu_bytes);
  o.session.system_id = c.system_id;
  o.session.password = c.password;
  o.session.system_type = c.system_type;
  o.session.window = static_cast<uint32_t>(c.window);
  o.session.response_timeout = Millis(int64_t{c.response_timeout_s} * 1000);
  o.session.enquire_link_interval = Millis(int64_t{c.enquire_link_s} * 1000);
  o.session.status_policy = PolicyOf(c);
  o.binds = c.binds;
  o.transmitter_receiver = c.bind_mode == "transmitter_receiver";
  o.tps = c.tps;
  o.addressing.alnum_ton = c.source.alphanumeric.ton;
  o.addressing.alnum_npi = c.source.alphanumeric.npi;
  o.addressing.e164_ton = c.source.e164.ton;
  o.addressing.e164_npi = c.source.e164.npi;
  o.addressing.short_ton = c.source.short_code.ton;
  o.addressing.short_npi = c.source.short_code.npi;
  o.addressing.dest_ton = c.dest.ton;
  o.addressing.dest_npi = c.dest.npi;
  o.addressing.data_coding_gsm7 = static_cast<uint8_t>(c.data_coding_gsm7);
  o.id_match = IdMatchOf(c.receipt_id_match);
  return o;
}

carriers::http::HttpCarrierOptions HttpOptionsOf(const config::CarrierConfig& c) {
  carriers::http::HttpCarrierOptions o;
  o.id = c.id;
  o.url = c.url;
  o.token = c.token;
  o.api = c.http;
  o.tps = c.tps;
  o.timeout = Millis(int64_t{c.response_timeout_s} * 1000);
  o.reconnect_min = Millis(c.reconnect_min_ms);
  o.reconnect_max = Millis(c.reconnect_max_ms);
  o.tls_verify = c.tls_verify;
  o.tls_ca_file = c.tls_ca_file;
  o.id_match = IdMatchOf(c.receipt_id_match);
  return o;
}

compliance::ReplyTexts TextsOf(const config::ComplianceReplies& r) {
  return compliance::ReplyTexts{r.opt_out_reply, r.opt_in_reply, r.help_reply};
}

compliance::ReplyPolicy ReplyPolicyOf(const config::ComplianceConfig& c) {
  compliance::ReplyPolicy policy;
  policy.defaults = TextsOf(c.replies);
  for (const auto& [account, replies] : c.accounts) policy.accounts.emplace(account, TextsOf(replies));
  return policy;
}

delivery::EngineOptions EngineOptionsOf(const config::Config& c) {
  delivery::EngineOptions o;
  o.max_attempts = c.delivery.max_attempts;
  o.backoff_base = Millis(c.delivery.backoff_base_ms);
  o.backoff_cap = Millis(c.delivery.backoff_cap_ms);
  o.receipt_wait_s = c.delivery.receipt_wait_s;
  o.extra_opt_out_keywords = c.compliance.opt_out_keywords;
  o.replies = ReplyPolicyOf(c.compliance);
  return o;
}

}  // namespace

Result<std::unique_ptr<DeliveryRuntime>> DeliveryRuntime::Create(config::Config config, bool demo,
                                                                   store::Backend& store,
                                                                   metrics::Registry& metrics,
                                                                   const Clock& clock) {
  std::unique_ptr<DeliveryRuntime> rt(new DeliveryRuntime());
  rt->config_ = std::move(config);
  rt->demo_ = demo;
  rt->clock_ = &clock;
  if (demo) {
    if (Status s = rt->StartDemoCarrier(); !s.ok()) return s.error();
  }
  auto router = routing::Router::Create(rt->config_);
  if (!router.ok()) return router.take_error();
  rt->router_ = std::make_unique<routing::RouterHolder>(std::make_shared<const routing::Router>(std::move(*router)));
  rt->circuits_ = std::make_unique<routing::CircuitBoard>(rt->config_.carriers);
  rt->queue_ = std::make_unique<queue::EmbeddedQueue>(static_cast<size_t>(rt->config_.delivery.partitions));
  auto numbers = validation::Validator::Create({});
  if (!numbers.ok()) return numbers.take_error();
  rt->numbers_ = std::move(*numbers);
  delivery::EngineOptions engine_options = EngineOptionsOf(rt->config_);
  engine_options.destination_region = [numbers = rt->numbers_.get()](const std::string& number) {
    auto region = numbers->ValidateDestination(number);
    return region.ok() ? std::optional<std::string>(std::move(*region)) : std::nullopt;
  };
  engine_options.on_circuit_change = [runtime = rt.get()](const std::string& carrier, bool open,
                                                          std::string_view reason, Millis cool_down) {
    runtime->webhooks_->NotifyOps(webhooks::CircuitEvent{carrier, open, std::string(reason), cool_down.count(),
                                                         runtime->clock_->NowUnixMillis()});
  };
  rt->engine_ = std::make_unique<delivery::Engine>(rt->io_, std::move(engine_options), store, store, store,
                                                   *rt->queue_, *rt->router_, *rt->circuits_, metrics, clock);
  for (const config::CarrierConfig& c : rt->config_.carriers) {
    if (!c.enabled) continue;
    if (c.protocol == "http") {
      auto carrier = carriers::http::HttpCarrier::Create(rt->io_.get_executor(), HttpOptionsOf(c), *rt->engine_, clock);
      if (!carrier.ok()) return carrier.take_error();
      rt->engine_->AddCarrier(std::move(*carrier));
      continue;
    }
    rt->engine_->AddCarrier(std::make_unique<carriers::smpp::SmppCarrier>(
        rt->io_.get_executor(), SmppOptionsOf(c), *rt->engine_, clock));
  }
  std::map<std::string, receipts::CarrierIdMatch> id_match;
  for (const config::CarrierConfig& c : rt->config_.carriers) id_match[c.id] = IdMatchOf(c.receipt_id_match);
  rt->callbacks_ = std::make_unique<carriers::http::HttpCallbackSink>(rt->io_.get_executor(), *rt->engine_,
                                                                      std::move(id_match));
  webhooks::DispatcherOptions hooks;
  hooks.signing_secret = rt->config_.webhooks.signing_secret;
  hooks.previous_signing_secret = rt->config_.webhooks.previous_signing_secret;
  hooks.ops_url = rt->config_.webhooks.ops_url;
  hooks.allow_private = rt->config_.security.allow_private_callbacks;
  hooks.max_age = Millis(int64_t{rt->config_.delivery.webhook_max_age_h} * 3600 * 1000);
  hooks.max_concurrent = static_cast<size_t>(rt->config_.webhooks.max_in_flight);
  hooks.max_per_account = static_cast<size_t>(rt->config_.webhooks.max_in_flight_per_account);
  rt->webhooks_ = std::make_unique<webhooks::Dispatcher>(hooks, store, metrics, clock);
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
  if (Status s = engine_->Recover(); !s.ok()) return s;
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
  std::promise<void> drained;
  engine_->Stop(Millis(int64_t{config_.delivery.drain_timeout_s} * 1000), [&] { drained.set_value(); });
  drained.get_future().wait();
  io_.stop();
  thread_.join();
  webhooks_->Stop();
}

Status DeliveryRuntime::Reload(const config::Config& config) {
  if (demo_) return Status::Ok();  // the demo's routes are its own
  if (Status s = router_->Reload(config); !s.ok()) return s;
  circuits_->Reconfigure(config.carriers);
  log::Info("server", "routes reloaded (generation {})", router_->generation());
  return Status::Ok();
}

std::string DeliveryRuntime::CarriersJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const delivery::CarrierView& view : engine_->Snapshot()) {
    list.push_back({{"id", view.state.id},
                    {"protocol", view.state.protocol},
                    {"binds", view.state.links},
                    {"binds_up", view.state.links_up},
                    {"circuit", std::string(routing::ToString(view.circuit.state))},
                    {"tps_limit", view.state.tps_limit},
                    {"tps_current", view.state.tps_current},
                    {"in_flight", view.state.in_flight},
                    {"submitted", view.state.submitted},
                    {"accepted", view.state.accepted},
                    {"failed", view.state.failed}});
  }
  return nlohmann::json{{"data", list}, {"queue_depth", queue_->Depth()}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace deliverer::server
