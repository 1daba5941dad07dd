#pragma once
// The delivery engine's side of the store: what workers read to submit a message, the
// status changes they record, receipts, and the sweeps for messages whose TTL or receipt
// wait ended. What each change or receipt does to a message is decided by
// model/lifecycle.h, which every backend applies inside its commit.
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread that MUST NOT block, synchronous thread-safe reads). Webhook
// outbox rows (OutboxStore) are written in the same commit as the status change they
// announce (docs/reliability.md R11).
#include <functional>
#include <optional>
#include <string>
#include <utility>
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

  using HandedOverCallback = std::function<void(Result<std::vector<QueuedRef>>)>;
  // Messages that processes which accept but do not deliver (`serve --role api` on a
  // shared database) stored since the last call: up to `limit`, oldest first, each
  // returned once. Only the delivering process calls it; the caller publishes them.
  // Start-up recovery (ListQueued) covers what was taken and never submitted. Where one
  // process accepts everything it delivers, always empty.
  virtual void TakeHandedOver(int limit, HandedOverCallback done) = 0;

  // Scheduled messages whose send_at is at or before `now_ms`, earliest first. The caller
  // releases each with a change to queued only from scheduled, and publishes those the
  // change applied to (a cancel may have come first).
  virtual Result<std::vector<QueuedRef>> ListDueScheduled(int64_t now_ms, int limit) = 0;

  using ChangesCallback = std::function<void(std::vector<Result<ChangeResult>>)>;
  // Applies changes in order (StatusChange says what each may do). Results are in input order.
  virtual void RecordChanges(std::vector<StatusChange> changes, ChangesCallback done) = 0;

  using ReceiptsCallback = std::function<void(std::vector<Result<ReceiptResult>>)>;
  // Applies receipts in order, matched to their segment by (carrier, match_key); one
  // whose submit is not recorded yet is parked. Results are in input order.
  virtual void ApplyReceipts(std::vector<ReceiptIn> receipts, ReceiptsCallback done) = 0;

  // Messages still queued whose TTL ended at or before `now_ms` (no carrier could take
  // them in time).
  virtual Result<std::vector<std::string>> ListExpiredQueued(int64_t now_ms, int limit) = 0;
  // Messages `sent` whose receipt wait ended at or before `now_ms`, earliest deadline first.
  virtual Result<std::vector<std::string>> ListReceiptOverdue(int64_t now_ms, int limit) = 0;
  // Receipts kept because nothing matched them (yet).
  virtual Result<int64_t> UnmatchedReceipts() = 0;
};

}  // namespace deliverer::store
