#pragma once
// Versioned schema migrations for the PostgreSQL store, applied at open, into the
// connection's current schema (the first of its search_path). The version is the one row
// of `schema_version`; each migration runs in its own transaction under an advisory lock,
// so processes starting together against one database apply each migration exactly once
// (the others wait, then find it applied). A database newer than the binary is refused.
// docs/storage-schema.md "PostgreSQL" explains how the schema differs from SQLite's.
#include "store/postgres/db.h"

namespace deliverer::store::postgres {

Status Migrate(Connection& db);
int LatestSchemaVersion();

}  // namespace deliverer::store::postgres
