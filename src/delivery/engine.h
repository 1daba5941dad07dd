#pragma once
// The delivery engine: takes committed messages off the Queue, routes them, submits them
// through a Carrier, and records every outcome in the store (docs/architecture.md "Delivery,
// in order"; docs/api.md "Statuses"). Also turns receipts and inbound messages from the
// carriers into store writes, closes messages whose receipt never came, and feeds the
// circuit breakers.
//
// Threading: the engine and its carriers run on one io_context thread, the delivery
// thread (docs/architecture.md). Store callbacks arrive on the store's thread and are
// posted back. The Queue's Notify and Snapshot() may be called from any thread.
//
// Canary roll-outs: each outcome counts for its arm and feeds the roll-out's guard, which
// may halt it (delivery/canary_watch.h); the router is asked with the halts in force.
//
// Guarantees: every message taken from the queue ends with exactly one store change that
// either makes it terminal, marks it sent, or schedules a retry; a message is never
// submitted after its TTL; a delivery is acked (freeing its destination) only after its
// change is durable, so a crash re-sends at most what was in flight.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "carriers/carrier.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "compliance/keywords.h"
#include "compliance/replies.h"
#include "metrics/metrics.h"
#include "model/price.h"
#include "queue/claims.h"
#include "queue/queue.h"
#include "config/config.h"
#include "delivery/canary_watch.h"
#include "routing/canary_events.h"
#include "routing/canary_halts.h"
#include "routing/circuit_board.h"
#include "routing/circuit_events.h"
#include "routing/router_holder.h"
#include "store/canary_store.h"
#include "store/compliance_store.h"
#include "store/delivery_store.h"
#include "store/inbound_store.h"
#include "store/key_store.h"

namespace deliverer::delivery {

struct EngineOptions {
  int max_attempts = 5;
  Millis backoff_base{500};
  Millis backoff_cap{60'000};
  int64_t receipt_wait_s = 0;          // 0 = the message's TTL
  // Deliveries taken and not yet recorded. From(): what the enabled carriers can have
  // unanswered at once (SMPP binds × window, HTTP connections, summed), so a crash repeats
  // at most that many submits (docs/reliability.md R3). The queue no longer caps it:
  // it lets every destination have one out.
  size_t max_in_flight = 4096;
  Millis no_carrier_retry{1'000};      // recheck delay when no carrier can take a message now
  Millis sweep_interval{1'000};        // receipt-wait sweep
  // Keyword MOs (docs/reliability.md S11): extra opt-out keywords ([compliance]
  // opt_out_keywords) and the reply texts. A reply is routed by the subscriber's region
  // in the numbering plan (validation/numbering.h); a number outside it gets none.
  std::vector<std::string> extra_opt_out_keywords;
  compliance::ReplyPolicy replies;
  // [billing] currency: what the carriers' prices are in, recorded with each cost.
  std::string currency = std::string(model::kDefaultCurrency);
  // [[numbers]]: the account an MO's number is assigned to, and where it is forwarded.
  std::vector<config::NumberConfig> numbers;

  // [delivery], [compliance] and [billing] of the configuration.
  static EngineOptions From(const config::Config& config);
};

// What the engine works with; each must outlive it.
struct EngineDeps {
  // The store seams it uses: delivery (submits, changes, receipts, sweeps), inbound
  // (MOs), and suppressions (checked before every submit).
  store::DeliveryStore& delivery_store;
  store::InboundStore& inbound_store;
  store::ComplianceStore& suppressions;
  // Where canary halts are kept durably (delivery/canary_watch.h).
  store::CanaryStore& canary_store;
  queue::Queue& queue;
  routing::RouterHolder& router;
  routing::CircuitBoard& circuits;
  // The canary halts in force in this process, shared with the API (which resumes).
  routing::CanaryHalts& canary_halts;
  metrics::Registry& metrics;
  const Clock& clock;
  // Told when a carrier's circuit opens or closes again (the operators' webhook); null:
  // nobody is.
  routing::CircuitObserver* circuit_observer = nullptr;
  // Shared with the API's cancels (queue/claims.h); null: the engine keeps its own.
  queue::Claims* claims = nullptr;
  // Told when a canary roll-out halts itself or is resumed (the operators' webhook); null:
  // nobody is.
  routing::CanaryObserver* canary_observer = nullptr;
  // Set when [smpp_server] runs: an MO to a number assigned to an account that has an SMPP
  // credential is also queued for that account's SMPP receiver binds (docs/smpp-server.md
  // "Inbound messages"). Null: MOs go to inbound_url only.
  store::KeyStore* smpp_credentials = nullptr;
};

// Per carrier, for GET /v1/admin/carriers and the gauges.
struct CarrierView {
  carriers::CarrierState state;
  routing::BreakerSnapshot circuit;
};

class Engine final : public queue::Consumer, public carriers::CarrierListener {
 public:
  // Distinct carrier error codes counted under their own label, per carrier.
  static constexpr size_t kMaxErrorCodeLabels = 64;

  Engine(boost::asio::io_context& io, EngineOptions options, EngineDeps deps);
  ~Engine() override;

  // Carriers are built on this engine's io_context (carriers/carrier_factory.h), with the
  // engine as their listener.
  void AddCarrier(std::unique_ptr<carriers::Carrier> carrier);
  // Republishes every queued message from the store (call once, before Start).
  Status Recover();
  void Start();
  // Stops taking work, lets in-flight submits finish within `drain`, unbinds every
  // carrier, then calls `done` on the delivery thread.
  void Stop(Millis drain, std::function<void()> done);

  // queue::Consumer (any thread)
  void Notify() override;

  // carriers::CarrierListener (delivery thread)
  void OnReceipt(const std::string& carrier, carriers::CarrierReceipt receipt, carriers::Ack ack) override;
  void OnInbound(const std::string& carrier, carriers::CarrierInbound inbound, carriers::Ack ack) override;
  void OnLinkChange(const std::string& carrier, int links_up) override;

  // A copy refreshed on the delivery thread at least every second; any thread.
  std::vector<CarrierView> Snapshot() const;
  // Carriers with at least one link up (for /readyz); any thread.
  int CarriersUp() const { return carriers_up_.load(); }

 private:
  struct InFlight;

  void Pump();
  bool AnyCarrierCanSubmit() const;
  void Dispatch(queue::Delivery delivery);
  void NoteFailure(const std::string& message_id, const std::string& carrier);
  carriers::Carrier* PickCarrier(const routing::Plan& plan, const std::string& message_id);
  // `arm`: the canary roll-out's arm the attempt counts for, if any.
  void SubmitTo(carriers::Carrier& carrier, queue::Delivery delivery, store::DeliveryRecord record,
                std::optional<ArmTicket> arm);
  void OnSubmitted(const std::shared_ptr<InFlight>& flight, carriers::SubmitReport report);
  void RetryLater(const std::shared_ptr<InFlight>& flight, const carriers::SubmitReport& report,
                  std::vector<store::SegmentSubmit> accepted);
  // The change to `sent` once the last of the message's segments is accepted.
  store::StatusChange SentChange(const store::DeliveryRecord& record, std::string carrier, int attempts,
                                 std::vector<store::SegmentSubmit> segments, int64_t now_ms) const;
  // What `carrier` charges now for `segments` (docs/api.md "Cost"); nullopt when the routes
  // no longer know it (a reload removed it while the submit was out).
  std::optional<model::Price> CostAt(const std::string& carrier, int segments) const;
  // Records the segments accepted by an attempt that nothing else records (nothing else
  // was written), then brings the delivery back at `at_ms`.
  void KeepAcceptedThenRequeue(const std::shared_ptr<InFlight>& flight,
                               std::vector<store::SegmentSubmit> accepted, int64_t at_ms);
  // Records `change` (the message stays queued), then brings the delivery back at `at_ms`.
  void RecordThenRequeue(queue::Delivery delivery, store::StatusChange change, int64_t at_ms);
  // Records `change`; once durable, acks the delivery (frees its destination) and counts it.
  void Finish(queue::Delivery delivery, store::StatusChange change);
  // Brings the delivery back at `at_ms` without a store write.
  void Requeue(queue::Delivery delivery, int64_t at_ms);
  void ArmRetryTimer();
  void Sweep();
  // Scheduled messages whose send_at came: queued in the store, then handed to the queue.
  void ReleaseDue(int64_t now_ms);
  // The delivery is done with for now (acked or back in the queue): a cancel may take it.
  void Unclaim(const queue::Delivery& delivery) { claims_.ReleaseDelivery(delivery.message_id); }
  void ExpireAll(const std::vector<std::string>& ids, model::Status from, store::MessageError error,
                 int64_t now_ms);
  void WaitForWrites(Millis budget);
  void RefreshSnapshot();
  // Counts messages that reached `status` (sent or terminal) in the metrics.
  void CountFinal(model::Status status, const std::string& carrier, const std::string& reason,
                  double count = 1);
  // Counts a message a receipt moved to `status` (on arrival, or parked and applied when
  // its submit was recorded): every path that ends a message counts it once.
  void CountReceiptOutcome(const std::string& message_id, const std::string& carrier, model::Status status,
                           int64_t created_at_ms);
  void OnTransition(const std::string& carrier, const std::optional<routing::Transition>& t);
  // The `code` label of deliverer_carrier_errors_total for `code` (docs/operations.md
  // "Metrics": at most kMaxErrorCodeLabels per carrier, then "other").
  std::string ErrorCodeLabel(const std::string& carrier, const std::string& code);
  // The log line of a message that reached `status` (docs/operations.md "Logs").
  void LogOutcome(const std::string& message_id, model::Status status, const std::string& carrier,
                  const std::optional<store::MessageError>& error);
  // What an inbound message changes (delivery/inbound_plan.h); fails when the store
  // cannot say who last wrote to the subscriber.
  // Whether an MO to `account`'s number also goes to its SMPP receiver binds.
  bool HasSmppReceivers(const std::string& account, int64_t now_ms);
  Result<store::InboundEffects> EffectsOf(compliance::KeywordAction action,
                                          const carriers::CarrierInbound& inbound, int64_t now_ms);
  // Records a whole MO (received whole, or reassembled from the parts of `consumes`) with
  // its keyword effects, its account and its inbound webhook, in one commit; `ack` after it.
  void RecordMo(const std::string& carrier, carriers::CarrierInbound inbound,
                std::optional<store::InboundPartsKey> consumes, carriers::Ack ack);
  // After an inbound message is durable: counts it, and hands its reply to the queue.
  void OnInboundRecorded(compliance::KeywordAction action, const std::optional<store::QueuedRef>& reply,
                         bool forwarded);
  // Parts of concatenated MOs (engine_parts.cc, delivery/inbound_parts.h): a part is kept
  // durably before it is acked; a set is recorded once complete, or once it expires.
  void KeepPart(const std::string& carrier, carriers::CarrierInbound inbound, carriers::Ack ack);
  void RecordParts(const std::vector<store::InboundPart>& parts, std::string_view outcome);
  void SweepParts(int64_t now_ms);
  template <class F>
  void Post(F&& f) {
    boost::asio::post(io_, std::forward<F>(f));
  }

  boost::asio::io_context& io_;
  const EngineOptions options_;
  store::DeliveryStore& delivery_store_;
  store::InboundStore& inbound_store_;
  store::ComplianceStore& suppressions_;
  queue::Queue& queue_;
  routing::RouterHolder& router_;
  routing::CircuitBoard& circuits_;
  metrics::Registry& metrics_;
  const Clock& clock_;
  routing::CircuitObserver* const circuit_observer_;  // may be null
  store::KeyStore* const smpp_credentials_;           // may be null
  std::unique_ptr<queue::Claims> own_claims_;         // when deps.claims is null
  queue::Claims& claims_;
  const compliance::KeywordClassifier keywords_;
  routing::CanaryHalts& canary_halts_;
  CanaryWatch canaries_;

  std::map<std::string, std::unique_ptr<carriers::Carrier>, std::less<>> carriers_;
  // Message id → the carriers that failed it, oldest first; dropped once it is finished.
  std::unordered_map<std::string, std::vector<std::string>> failed_carriers_;
  // Per carrier, the error codes given a label of their own (ErrorCodeLabel).
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> error_codes_;
  std::unordered_set<std::string> submitting_;  // message ids at a carrier right now
  std::mt19937_64 random_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer sweep_timer_;
  int64_t retry_timer_at_ = INT64_MAX;
  size_t in_flight_ = 0;
  bool stopping_ = false;
  std::atomic<bool> pump_posted_{false};
  std::atomic<int> carriers_up_{0};
  std::function<void()> on_drained_;

  mutable common::Mutex snapshot_mutex_;
  std::vector<CarrierView> snapshot_ GUARDED_BY(snapshot_mutex_);
};

}  // namespace deliverer::delivery
