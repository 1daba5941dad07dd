#pragma once
// What every store seam (the interfaces in this folder) promises, and the callback types
// they share. One backend class implements every seam (store/backend.h); consumers depend
// only on the seams they use. Backends: SQLite (embedded, store/sqlite/) and, next,
// PostgreSQL; tests also use an in-memory one (store/memory/). Every
// backend must pass the conformance suite (tests/unit/store/conformance/) unchanged.
//
// The contract, binding for every seam and backend:
// - Writes are asynchronous and batch-oriented: a write is queued, committed together with
//   the writes of other callers (group commit, one fsync), and its callback runs only
//   after the commit is durable, or with an error if it is not; an error never reports
//   success.
// - Callbacks run on a store thread: they MUST NOT block; post work elsewhere.
// - Reads are synchronous, may run on any thread, and see every write whose callback ran.
// - Implementations are thread-safe.
// Methods marked "synchronous" write and return once durable (CLI and start-up use).
#include <functional>

#include "common/result.h"

namespace deliverer::store {

using StatusCallback = std::function<void(Status)>;

}  // namespace deliverer::store
