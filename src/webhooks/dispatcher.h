#pragma once
// Delivers the webhook outbox (store/outbox_store.h) to producers: each due event is
// POSTed, signed (webhooks/signature.h); a 2xx marks it delivered, anything else schedules
// a retry with exponential backoff and full jitter, for up to `max_age` after the event,
// then it is given up (and counted). At-least-once: a crash between the POST and its
// record re-sends the event with the same event_id (docs/reliability.md R11).
//
// Each event is signed with its account's own secret where the operator set one
// (`deliverer accounts set-webhook-secret`, read through the store), else with
// `signing_secret` and, during a rotation of it, `previous_signing_secret` too. An
// account's secret is re-read at most every kAccountSecretTtl, so a change made while
// serve runs applies within that time; when it cannot be read the attempt fails and is
// retried rather than signed with another secret.
//
// Events reach the dispatcher two ways: the store hands over those it has just made
// durable (OutboxStore::SetWebhookListener), which go out at once without being read
// back; and it reads the outbox for the rest: retries, events from before a restart, and
// whatever it had no room for when handed over.
//
// Fairness: at most `max_concurrent` POSTs are under way, and at most `max_per_account`
// of them for one account, so that a receiver that is slow or never answers holds only
// its own account's slots. Events read from the outbox wait in memory, a few slots'
// worth per account (kQueuedPerSlot), so a slot is refilled the moment its POST is
// answered rather than after the outcome's commit and the next outbox read; the outbox is
// read past the events of accounts that hold their share.
// An exception from a library while an event is delivered fails that attempt only: it
// is logged, counted (deliverer_unhandled_exceptions_total) and retried like any failure.
//
// Operators' events (OnCircuitEvent: circuit changes; OnCanaryEvent: a canary roll-out
// halted by its guard or resumed; to [webhooks] ops_url) go out the same way, signed with
// the global secret, but are kept in memory only and tried kOpsAttempts times: they are
// alerts, and the log line and metric of the same event are the record.
//
// Runs on its own thread with its own io_context; Start/Stop/OnCircuitEvent/OnCanaryEvent
// from any thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "common/clock.h"
#include "config/config.h"
#include "metrics/metrics.h"
#include "store/outbox_store.h"
#include "webhooks/http_post.h"
#include "webhooks/payload.h"

namespace deliverer::webhooks {

struct DispatcherOptions {
  std::string signing_secret;
  std::string previous_signing_secret;  // "" = none; else a second v1= during a rotation
  std::string ops_url;  // "" = operators' events are dropped
  bool allow_private = false;
  std::chrono::seconds timeout{10};
  Millis poll_interval{200};  // while the outbox is empty
  // While it is not: events then reach producers within tens of milliseconds, and
  // dispatch is spread out instead of coming in one burst per idle interval.
  Millis busy_poll_interval{20};
  Millis backoff_base{1'000};
  Millis backoff_cap{3'600'000};
  Millis max_age{24LL * 3600 * 1000};
  size_t max_concurrent = 1024;
  size_t max_per_account = 128;

  // [webhooks], with [security] allow_private_callbacks and [delivery] webhook_max_age_h.
  static DispatcherOptions From(const config::Config& config);
};

class Dispatcher final : public routing::CircuitObserver, public routing::CanaryObserver {
 public:
  Dispatcher(DispatcherOptions options, store::OutboxStore& store, metrics::Registry& metrics,
             const Clock& clock);
  ~Dispatcher() override;

  void Start();
  // Finishes the POSTs under way (bounded by the timeout), then stops the thread.
  void Stop();

  // routing::CircuitObserver and routing::CanaryObserver (any thread)
  void OnCircuitEvent(const routing::CircuitEvent& event) override;
  void OnCanaryEvent(const routing::CanaryEvent& event) override;
  static constexpr int kOpsAttempts = 5;
  static constexpr Millis kAccountSecretTtl{5'000};

 private:
  struct SigningSecrets {
    std::string current;
    std::string previous;  // "" = none
  };
  struct CachedSecret {
    std::optional<std::string> secret;  // nullopt: the account has none of its own
    int64_t read_at_ms = 0;
  };
  struct OpsEvent {
    std::string event_id;
    std::string body;
    int attempts = 0;
    int64_t next_at_ms = 0;
    bool in_flight = false;
  };
  // Queues an operators' event body made at `at_ms` by `make(event_id)`.
  template <class Make>
  void QueueOps(int64_t at_ms, Make make);
  void Poll();
  void ArmPoll(Millis delay);
  // Events the store has just made durable (io_ thread): queued like those read, as
  // far as there is room; the rest stay due in the outbox for the next read.
  void Offer(std::vector<store::WebhookJob> jobs);
  void DeliverOps(OpsEvent& event);
  void Deliver(store::WebhookJob job);
  // The secrets for `account`'s events; nullopt when its own cannot be read (nor was
  // read before).
  std::optional<SigningSecrets> SecretsFor(const std::string& account);
  void Done(const store::WebhookJob& job, bool delivered, const std::string& why);
  // Queues an event read from the outbox; false when its account holds its share already.
  bool Take(store::WebhookJob job);
  // POSTs queued events while the dispatcher and their accounts have slots.
  void StartWaiting();
  // An attempt of `account` is over: its slot is free for the account's next event, though
  // its outcome is still on its way to the store (the event stays in unrecorded_ until then).
  void Release(const std::string& account);
  // Events queued in memory at most, in all and per account (POSTs under way included):
  // a few slots' worth, so that a slot is refilled the moment it frees, not one outbox
  // read later, while an account whose receiver is slow holds a bounded share.
  size_t MaxWaiting() const { return options_.max_concurrent * kQueuedPerSlot; }
  size_t MaxTakenPerAccount() const { return options_.max_per_account * kQueuedPerSlot; }
  static constexpr size_t kQueuedPerSlot = 4;
  std::vector<std::string> FullAccounts() const;
  // Records every outcome Done collected since the last flush in one store write.
  void FlushDone();
  // Outcomes whose write failed: recorded again with the next flush (one poll interval
  // away at most); their events stay in unrecorded_ meanwhile.
  void RetryRecording(std::vector<store::WebhookDone> outcomes);

  const DispatcherOptions options_;
  store::OutboxStore& store_;
  metrics::Registry& metrics_;
  const Clock& clock_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  Poster poster_;  // io_ thread only
  boost::asio::steady_timer timer_;
  std::mt19937_64 random_;
  // Events taken from the outbox whose outcome is not recorded yet (queued, being POSTed,
  // or their outcome on its way to the store): a read must not take them again, since
  // the outbox shows them due until that write commits.
  std::set<std::string> unrecorded_;  // io_ thread only
  // Taken events not POSTed yet, per account (no account with none), and their count.
  std::map<std::string, std::deque<store::WebhookJob>> waiting_;  // io_ thread only
  size_t waiting_total_ = 0;                                      // io_ thread only
  // Per account, events queued or being POSTed (no account with 0).
  std::map<std::string, size_t> account_taken_;  // io_ thread only
  // POSTs under way, in all and per account (no account with 0). A slot is held for the
  // POST only, not for the write of its outcome, so a receiver that answers at once is
  // sent to at the rate it answers, not at the rate of the store's commits.
  size_t posting_ = 0;                            // io_ thread only
  std::map<std::string, size_t> account_posting_;  // io_ thread only
  bool start_posted_ = false;                     // a StartWaiting is queued on io_
  std::string last_served_;                       // StartWaiting's round robin
  metrics::Gauge& posting_gauge_;  // posting_
  metrics::Gauge& waiting_gauge_;  // waiting_total_
  std::list<OpsEvent> ops_;           // io_ thread only
  // Outcomes waiting for FlushDone, which is posted when the first one arrives: the
  // completions of one turn of io_ share a write.
  std::vector<store::WebhookDone> done_;  // io_ thread only
  // Accounts' own secrets as last read; io_ thread only. A short TTL rather than a
  // notification: the CLI that changes a secret is another process, and a read every
  // 5 s per account costs nothing next to the outbox reads.
  std::map<std::string, CachedSecret> account_secrets_;
  bool stopping_ = false;
  bool backlog_ = false;  // the last poll left due events behind: poll again as slots free
  std::thread thread_;
};

}  // namespace deliverer::webhooks
