#pragma once
// The delivery side's status rule (sqlite_delivery.cc), for the other write jobs that end
// messages: a change to a terminal status writes its event and webhook outbox row, and
// is ignored when the message is terminal already or not in `change.only_from`.
#include <cstdint>

#include "store/delivery_records.h"
#include "store/sqlite/db.h"

namespace deliverer::store::sqlite {

// Runs inside the writer's transaction. `pending_delta` gains the change in the number of
// messages not yet terminal.
Result<ChangeResult> ApplyStatusChange(Connection& db, StatusChange& change, int64_t& pending_delta);

}  // namespace deliverer::store::sqlite
