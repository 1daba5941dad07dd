#include "engine_fixture.h"

#include <atomic>
#include <future>

#include "store/new_record.h"
#include "text/smart_encoding.h"
#include "text/text.h"

namespace deliverer::delivery::testing {

config::RouteConfig FailoverRoute(std::vector<std::string> carriers, std::string match) {
  config::RouteConfig route;
  route.match = std::move(match);
  route.policy = "failover";
  route.carriers = std::move(carriers);
  return route;
}

EngineTest::EngineTest() : work_(io_.get_executor()) {}

void EngineTest::SetUp() {
  store_ = std::make_unique<store::memory::MemoryStore>();
}

void EngineTest::TearDown() {
  // The store first: its thread drains, and the callbacks it runs post to the io_context
  // through a live engine. Nothing runs the io_context afterwards.
  store_.reset();
  engine_.reset();
}

void EngineTest::Start(EngineSetup setup) {
  options_ = setup.options;
  config::Config config;
  for (const std::string& id : setup.carriers) {
    config::CarrierConfig carrier;
    carrier.id = id;
    if (const auto price = setup.prices.find(id); price != setup.prices.end()) {
      carrier.price_per_segment = price->second;
    }
    config.carriers.push_back(std::move(carrier));
  }
  config.routes = std::move(setup.routes);
  auto router = routing::Router::Create(config);
  ASSERT_TRUE(router.ok()) << router.error().detail;
  router_ = std::make_unique<routing::RouterHolder>(
      std::make_shared<const routing::Router>(std::move(router).value()));
  circuits_ = std::make_unique<routing::CircuitBoard>(config.carriers);
  engine_ = std::make_unique<Engine>(io_, options_,
                                     EngineDeps{.delivery_store = *store_,
                                                .inbound_store = *store_,
                                                .suppressions = *store_,
                                                .canary_store = *store_,
                                                .queue = queue_,
                                                .router = *router_,
                                                .circuits = *circuits_,
                                                .canary_halts = canary_halts_,
                                                .metrics = metrics_,
                                                .clock = clock_,
                                                .circuit_observer = &circuit_events_,
                                                .claims = &claims_,
                                                .canary_observer = &canary_events_});
  for (const std::string& id : setup.carriers) {
    auto fake = std::make_unique<FakeCarrier>(io_, id);
    carriers_[id] = fake.get();
    engine_->AddCarrier(std::move(fake));
  }
  engine_->Start();
}

void EngineTest::Insert(const std::string& id, MessageSpec spec) {
  auto count = spec.smart_encoding ? text::CountSegmentsSmart(spec.body)
                                   : text::CountSegments(spec.body);
  ASSERT_TRUE(count.ok());
  store::NewMessage m;
  m.id = id;
  m.account = "acme";
  m.from = "Deliverer";
  m.to = spec.to.empty() ? "+44770090" + std::to_string(1000 + destinations_++) : spec.to;
  m.to_region = "GB";
  m.body = spec.body;
  m.encoding = count->encoding;
  m.segments = count->segments;
  m.ttl_seconds = spec.ttl_seconds;
  m.payload_hash = "hash-" + id;
  m.created_at_ms = spec.created_at_ms >= 0 ? spec.created_at_ms : clock_.NowUnixMillis();
  m.send_at_ms = spec.send_at_ms;
  std::promise<std::vector<Result<store::InsertResult>>> done;
  store_->InsertMessages({m}, [&done](auto results) { done.set_value(std::move(results)); });
  auto results = done.get_future().get();
  ASSERT_TRUE(results[0].ok());
  ASSERT_EQ(results[0]->outcome, store::InsertOutcome::kCreated);
  if (spec.publish && !store::IsScheduled(m)) {
    queue_.Publish({queue::Delivery{m.id, m.to, m.priority, m.created_at_ms, 0}});
  }
}

store::CancelOutcome EngineTest::Cancel(const std::string& id) {
  std::promise<Result<store::CancelResult>> done;
  store_->CancelMessage(store::CancelRequest{id, "acme", "k1", "192.0.2.1", clock_.NowUnixMillis()},
                        [&done](auto result) { done.set_value(std::move(result)); });
  auto result = done.get_future().get();
  EXPECT_TRUE(result.ok());
  return result.ok() ? result->outcome : store::CancelOutcome::kNotFound;
}

store::MessageRecord EngineTest::Record(const std::string& id) {
  auto m = store_->GetMessage(id, /*with_events=*/true);
  EXPECT_TRUE(m.ok() && m->has_value()) << id;
  return (m.ok() && m->has_value()) ? **m : store::MessageRecord{};
}

model::Status EngineTest::StatusOf(const std::string& id) { return Record(id).status; }

std::vector<model::Status> EngineTest::EventsOf(const std::string& id) {
  std::vector<model::Status> out;
  for (const store::MessageEvent& e : Record(id).events) out.push_back(e.status);
  return out;
}

bool EngineTest::RunUntil(const std::function<bool()>& done, std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    io_.run_for(Millis(2));
  }
  return true;
}

bool EngineTest::RunThroughRetries(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    io_.run_for(Millis(2));
    const std::optional<int64_t> next = queue_.NextRetryAt();
    if (next && *next > clock_.NowUnixMillis()) clock_.Set(*next);
  }
  return true;
}

void EngineTest::SweepOnce() {
  const std::string probe = "sweep-probe-" + std::to_string(++probes_);
  Insert(probe,
         MessageSpec{
             .ttl_seconds = 1, .created_at_ms = clock_.NowUnixMillis() - 1000, .publish = false});
  ASSERT_TRUE(RunUntil([&] { return StatusOf(probe) == model::Status::kExpired; }))
      << "no sweep ran";
}

bool EngineTest::Receipt(const std::string& carrier, const std::string& carrier_id,
                         model::Status status, const std::string& carrier_code) {
  auto acked = std::make_shared<std::atomic<int>>(-1);  // the ack runs on the store's thread
  engine_->OnReceipt(carrier,
                     carriers::CarrierReceipt{carrier_id, carrier_id, status, carrier_code},
                     [acked](bool recorded) { *acked = recorded ? 1 : 0; });
  EXPECT_TRUE(RunUntil([&] { return *acked >= 0; })) << "the receipt was never acknowledged";
  return *acked == 1;
}

}  // namespace deliverer::delivery::testing
