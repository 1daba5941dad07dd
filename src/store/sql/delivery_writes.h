#pragma once
// The delivery side's status rule (delivery.cc), for the other write jobs that end
// messages: a change to a terminal status writes its event and webhook outbox row, and
// is ignored when the message is terminal already or not in `change.only_from`.
#include <cstdint>
#include <vector>

#include "store/delivery_records.h"
#include "store/sql/db.h"

namespace deliverer::store::sql {

// What a write changes beyond its rows, which holds only once its savepoint is released
// and its commit is durable (delivery_job.h applies it then, and drops it otherwise).
struct WriteEffects {
  // The change in the number of messages not yet terminal (SqlStore::PendingCount).
  int64_t pending_delta = 0;
  // The outbox rows written, as the dispatcher would read them back: handed to it once
  // durable (OutboxStore::SetWebhookListener), so that it need not read them.
  std::vector<WebhookJob> announced;

  void Merge(WriteEffects&& item) {
    pending_delta += item.pending_delta;
    for (WebhookJob& job : item.announced) announced.push_back(std::move(job));
  }
};

class DeliveryBatch;

// Runs inside the writer's transaction.
Result<ChangeResult> ApplyStatusChange(Connection& db, StatusChange& change, WriteEffects& effects);

// The delivery side's rules for one change or receipt (delivery.cc), inside the writer's
// transaction. `batch`: what the job read ahead for its items, kept current by these
// writes, and the outbox rows it writes at its end (delivery_batch.h); null to read and
// write as they go.
Result<ChangeResult> ApplyChange(Connection& db, DeliveryBatch* batch, const StatusChange& change,
                                 WriteEffects& effects);
Result<ReceiptResult> ApplyReceipt(Connection& db, DeliveryBatch* batch, const ReceiptIn& receipt,
                                   WriteEffects& effects);

}  // namespace deliverer::store::sql
