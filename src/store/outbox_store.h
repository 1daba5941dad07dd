#pragma once
// The webhook outbox, as the dispatcher (webhooks/dispatcher.h) delivers it. Rows are
// added by DeliveryStore (and ErasureStore) in the same commit as the status change they
// announce (docs/reliability.md R11).
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread that MUST NOT block, synchronous thread-safe reads).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/delivery_records.h"
#include "store/seam.h"

namespace deliverer::store {

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Outbox rows due at `now_ms`, oldest first, leaving out those of `skip_accounts`
  // (accounts whose receivers already have all the POSTs they may have under way), and
  // those of producers' SMPP receipts (DueProducerReceipts).
  virtual Result<std::vector<WebhookJob>> DueWebhooks(int64_t now_ms, int limit,
                                                      const std::vector<std::string>& skip_accounts) = 0;
  // The receipts due at `now_ms` for producer `system_id`'s SMPP binds (records.h
  // ProducerReceiptUrl), oldest first: neither delivered nor given up, and not waiting for
  // a retry after a refusal.
  virtual Result<std::vector<ProducerReceiptJob>> DueProducerReceipts(const std::string& system_id, int64_t now_ms,
                                                                      int limit) = 0;
  // The inbound messages due at `now_ms` for `account`'s SMPP receiver binds (records.h
  // ProducerInboundUrl), oldest first, their texts opened.
  virtual Result<std::vector<ProducerInboundJob>> DueProducerInbound(const std::string& account, int64_t now_ms,
                                                                     int limit) = 0;
  // Per row: delivered, due again at `next_at_ms`, or given up (next_at_ms 0); each counts
  // an attempt.
  virtual void CompleteWebhooks(std::vector<WebhookDone> done, StatusCallback callback) = 0;
  // Events whose outbox rows were just made durable, as DueWebhooks would return them:
  // the dispatcher takes them from here rather than reading them back. The outbox stays
  // the record: a store may hand over only some events (or none), and whatever the
  // dispatcher has no room for it reads later. Called on a store thread, after the
  // commit is durable and before the writes that follow it finish; it must not block.
  using WebhookListener = std::function<void(std::vector<WebhookJob>)>;
  virtual void SetWebhookListener(WebhookListener /*listener*/) {}
  // Outbox rows not yet delivered nor given up (for metrics and tests).
  virtual Result<int64_t> PendingWebhooks() = 0;
  // The account's own webhook signing secret (KeyStore::SetAccountWebhookSecret), opened;
  // nullopt when it has none and the global one applies. Reads the store every call:
  // callers cache it for a short while.
  virtual Result<std::optional<std::string>> AccountWebhookSecret(const std::string& account) = 0;
};

}  // namespace deliverer::store
