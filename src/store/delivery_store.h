#pragma once
// The Store seen from the delivery side: what workers read to submit a message, the
// status changes they record, receipts, the webhook outbox and inbound messages. The
// same backends implement it as Store (store.h); server/ wires one object as both.
//
// Same rules as store.h: writes are asynchronous and group-committed, their callbacks run
// after the commit on a store thread and MUST NOT block; reads are synchronous and
// thread-safe. Webhook outbox rows are written in the same commit as the status change
// they announce (docs/reliability.md R11).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/delivery_records.h"

namespace deliverer::store {

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  virtual Result<std::optional<DeliveryRecord>> GetForDelivery(const std::string& id) = 0;
  // Queued messages in acceptance order, after (created_at, id) when given; for start-up.
  virtual Result<std::vector<QueuedRef>> ListQueued(std::optional<std::pair<int64_t, std::string>> after,
                                                    int limit) = 0;

  using ChangesCallback = std::function<void(std::vector<Result<ChangeResult>>)>;
  virtual void RecordChanges(std::vector<StatusChange> changes, ChangesCallback done) = 0;

  using ReceiptsCallback = std::function<void(std::vector<Result<ReceiptResult>>)>;
  // Applies receipts in order. Results are in input order.
  virtual void ApplyReceipts(std::vector<ReceiptIn> receipts, ReceiptsCallback done) = 0;

  // Messages still queued whose TTL ended at or before `now_ms` (no carrier could take
  // them in time).
  virtual Result<std::vector<std::string>> ListExpiredQueued(int64_t now_ms, int limit) = 0;
  // Messages `sent` whose receipt wait ended at or before `now_ms`.
  virtual Result<std::vector<std::string>> ListReceiptOverdue(int64_t now_ms, int limit) = 0;

  // Outbox rows due at `now_ms`, oldest first, leaving out those of `skip_accounts`
  // (accounts whose receivers already have all the POSTs they may have under way).
  virtual Result<std::vector<WebhookJob>> DueWebhooks(int64_t now_ms, int limit,
                                                      const std::vector<std::string>& skip_accounts) = 0;
  using StatusCallback = std::function<void(Status)>;
  virtual void CompleteWebhooks(std::vector<WebhookDone> done, StatusCallback callback) = 0;
  // Outbox rows not yet delivered nor given up (for metrics and tests).
  virtual Result<int64_t> PendingWebhooks() = 0;
  // The account's own webhook signing secret (Store::SetAccountWebhookSecret), opened;
  // nullopt when it has none and the global one applies. Reads the database every call:
  // callers cache it for a short while.
  virtual Result<std::optional<std::string>> AccountWebhookSecret(const std::string& account) = 0;

  // Records an inbound message and, in the same commit, its effects: a suppression put
  // or lifted (audited), and a compliance reply stored as a queued message unless one of
  // its kind went out within the window (that decision runs inside the commit, so two
  // MOs racing cannot both create one). The outcome names the reply created, which the
  // caller hands to the queue; start-up recovery republishes it if the process dies first.
  using InboundCallback = std::function<void(Result<InboundOutcome>)>;
  virtual void RecordInbound(InboundRecord inbound, InboundEffects effects, InboundCallback done) = 0;
  // The account that last sent to `subscriber` from `sender`, compliance replies left
  // out; "" when none.
  virtual Result<std::string> LastSenderAccount(const std::string& subscriber,
                                                const std::string& sender) = 0;
  // Receipts kept because nothing matched them (yet).
  virtual Result<int64_t> UnmatchedReceipts() = 0;
};

}  // namespace deliverer::store
