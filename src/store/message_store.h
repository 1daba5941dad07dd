#pragma once
// Messages as producers submit and read them (the API): ingest with idempotency, lookup,
// listing, and the two signals the API answers readiness and back-pressure with.
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread, synchronous thread-safe reads).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"
#include "store/seam.h"

namespace deliverer::store {

// How long a message id answers replays of an identical request (docs/api.md "Idempotency").
inline constexpr int64_t kIdempotencyWindowMs = 24LL * 3600 * 1000;

class MessageStore {
 public:
  virtual ~MessageStore() = default;

  using InsertCallback = std::function<void(std::vector<Result<InsertResult>>)>;
  // Stores each message (queued, or scheduled when its send_at is ahead; with a
  // `message.send` audit entry) unless its id exists: then the outcome says replay or
  // conflict. Results are in input order.
  // Per-item failures do not affect the other items.
  virtual void InsertMessages(std::vector<NewMessage> messages, InsertCallback done) = 0;

  using CancelCallback = std::function<void(Result<CancelResult>)>;
  // Cancels a scheduled or queued message of `request.account` (model/lifecycle.h
  // IsCancelable): status canceled with its event, its webhook outbox row when it has a
  // callback, and a `message.cancel` audit entry, in one commit. The caller MUST make sure
  // no delivery of it is under way in this process (delivery/claims.h): the store cannot
  // see a submit that is on the wire but not recorded yet.
  virtual void CancelMessage(CancelRequest request, CancelCallback done) = 0;

  virtual Result<std::optional<MessageRecord>> GetMessage(const std::string& id,
                                                          bool with_events) = 0;
  // Newest first (created_at, then id), filtered and paged by `query`.
  virtual Result<MessagePage> ListMessages(const MessageQuery& query) = 0;

  // Messages accepted and not yet terminal: the queue depth used for back-pressure.
  virtual int64_t PendingCount() const = 0;
  // For /readyz, cheap: ok when the store answers reads and its latest writes were made
  // durable; else the reason, until a write succeeds again.
  virtual Status Ping() = 0;
};

}  // namespace deliverer::store
