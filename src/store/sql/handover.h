#pragma once
// The hand-over of accepted messages to the delivering process, for processes that accept
// but do not deliver (`serve --role api` on PostgreSQL, docs/deployment.md). Such a process
// writes one `dispatch_handover` row per queued message in the commit that stores it; the
// delivering process takes the rows (DeliveryStore::TakeHandedOver) and publishes their
// messages to its queue. A row is deleted as it is taken: if the delivering process dies
// before submitting, its start-up recovery finds the message queued anyway.
#include <vector>

#include "store/delivery_records.h"
#include "store/new_record.h"
#include "store/sql/db.h"

namespace deliverer::store::sql {

Status InsertHandover(Connection& db, const NewMessage& m);
// Deletes up to `limit` rows, oldest first, and returns their messages in that order.
Result<std::vector<QueuedRef>> TakeHandover(Connection& db, int limit);

}  // namespace deliverer::store::sql
