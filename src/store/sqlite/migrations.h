#pragma once
// Versioned schema migrations for the SQLite store, applied at open. The schema version
// is PRAGMA user_version; each migration runs in its own transaction.
#include "store/sqlite/db.h"

namespace deliverer::store::sqlite {

Status Migrate(Connection& db);
int LatestSchemaVersion();

}  // namespace deliverer::store::sqlite
