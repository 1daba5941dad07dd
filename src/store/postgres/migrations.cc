#include "store/postgres/migrations.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace deliverer::store::postgres {
namespace {

// Append only: never edit a migration that has shipped. docs/storage-schema.md explains
// every table; the SQLite schema (store/sqlite/migrations.cc) is the same after its own
// migrations, which a PostgreSQL database never needed: it starts at this shape.
//
// Integers are BIGINT (SQLite's are 64-bit), blobs BYTEA. Text is COLLATE "C": it compares
// and sorts by bytes, as SQLite's does, whatever locale the database was created with, so
// listings ordered by id page the same on both.
//
// `rowid`: SQLite gives every table not declared WITHOUT ROWID an implicit `rowid`, in
// insertion order, and the statements the two drivers share read it (retention deletes the
// oldest webhooks and parked receipts by it, events are read in its order, re-encryption
// pages by it). Those tables carry a column of that name here, so the same statements read
// the same; it is indexed where a statement orders, pages or looks rows up by it. In
// `audit`, SQLite's rowid is `seq` itself, and so it is here.
constexpr std::array<std::string_view, 2> kPgMigrations = {
    R"sql(
CREATE TABLE accounts (
  rowid       BIGINT GENERATED ALWAYS AS IDENTITY,
  id          TEXT COLLATE "C" PRIMARY KEY,
  created_at  BIGINT NOT NULL
);
CREATE TABLE api_keys (
  rowid           BIGINT GENERATED ALWAYS AS IDENTITY,
  key_id          TEXT COLLATE "C" PRIMARY KEY,
  account         TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
  hash            TEXT COLLATE "C" NOT NULL,
  scopes          BIGINT NOT NULL,
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT,
  revoked_at      BIGINT,
  smpp_system_id  TEXT COLLATE "C"
);
CREATE INDEX api_keys_by_smpp_system_id ON api_keys(smpp_system_id) WHERE smpp_system_id IS NOT NULL;
CREATE TABLE account_webhook_secrets (
  rowid       BIGINT GENERATED ALWAYS AS IDENTITY,
  account     TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts(id),
  secret      BYTEA NOT NULL,
  secret_key  BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX account_webhook_secrets_by_key ON account_webhook_secrets(secret_key, rowid);
CREATE TABLE messages (
  rowid              BIGINT GENERATED ALWAYS AS IDENTITY,
  id                 TEXT COLLATE "C" PRIMARY KEY,
  account            TEXT COLLATE "C" NOT NULL,
  src                TEXT COLLATE "C" NOT NULL,
  dst                TEXT COLLATE "C" NOT NULL,
  dst_region         TEXT COLLATE "C" NOT NULL,
  body               BYTEA,
  type               BIGINT NOT NULL,
  priority           BIGINT NOT NULL,
  encoding           BIGINT NOT NULL,
  segments           BIGINT NOT NULL,
  ttl_s              BIGINT NOT NULL,
  callback_url       TEXT COLLATE "C" NOT NULL,
  client_ref         TEXT COLLATE "C" NOT NULL,
  payload_hash       BYTEA NOT NULL,
  status             BIGINT NOT NULL,
  carrier            TEXT COLLATE "C" NOT NULL DEFAULT '',
  attempts           BIGINT NOT NULL DEFAULT 0,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  sent_at            BIGINT,
  done_at            BIGINT,
  expires_at         BIGINT NOT NULL,
  error_code         TEXT COLLATE "C",
  error_detail       TEXT COLLATE "C",
  carrier_code       TEXT COLLATE "C",
  receipt_due_at     BIGINT,
  compliance_reply   TEXT COLLATE "C" NOT NULL DEFAULT '',
  body_key           BIGINT,
  send_at            BIGINT,
  estimate_micros    BIGINT,
  estimate_currency  TEXT COLLATE "C",
  cost_micros        BIGINT,
  cost_currency      TEXT COLLATE "C",
  done_detail        TEXT COLLATE "C",
  match_key          TEXT COLLATE "C"
);
CREATE UNIQUE INDEX messages_by_rowid ON messages(rowid);
CREATE INDEX messages_by_account_time ON messages(account, created_at);
CREATE INDEX messages_by_time ON messages(created_at);
CREATE INDEX messages_queued ON messages(created_at, id) WHERE status <= 1;
CREATE INDEX messages_receipt_due ON messages(receipt_due_at) WHERE status = 2;
CREATE INDEX messages_by_dst ON messages(dst, created_at);
CREATE INDEX messages_by_body_key ON messages(body_key, rowid);
CREATE INDEX messages_scheduled ON messages(send_at) WHERE status = 7;
CREATE INDEX messages_by_match_key ON messages(match_key) WHERE match_key IS NOT NULL;
CREATE TABLE events (
  rowid       BIGINT GENERATED ALWAYS AS IDENTITY,
  message_id  TEXT COLLATE "C" NOT NULL,
  at          BIGINT NOT NULL,
  status      BIGINT NOT NULL,
  carrier     TEXT COLLATE "C" NOT NULL DEFAULT '',
  detail      TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX events_by_message ON events(message_id, rowid);
CREATE TABLE suppressions (
  rowid        BIGINT GENERATED ALWAYS AS IDENTITY,
  account      TEXT COLLATE "C" NOT NULL,
  number       TEXT COLLATE "C" NOT NULL,
  reason       TEXT COLLATE "C" NOT NULL,
  source       TEXT COLLATE "C" NOT NULL,
  created_at   BIGINT NOT NULL,
  number_hash  TEXT COLLATE "C",
  PRIMARY KEY (account, number)
);
CREATE UNIQUE INDEX suppressions_by_rowid ON suppressions(rowid);
CREATE INDEX suppressions_by_hash ON suppressions(number_hash, account);
CREATE TABLE audit (
  seq             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  rowid           BIGINT GENERATED ALWAYS AS (seq) STORED,
  at              BIGINT NOT NULL,
  key_id          TEXT COLLATE "C" NOT NULL,
  account         TEXT COLLATE "C" NOT NULL,
  source_ip       TEXT COLLATE "C" NOT NULL,
  action          TEXT COLLATE "C" NOT NULL,
  target          TEXT COLLATE "C" NOT NULL,
  correlation_id  TEXT COLLATE "C" NOT NULL,
  count           BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE submits (
  carrier     TEXT COLLATE "C" NOT NULL,
  match_key   TEXT COLLATE "C" NOT NULL,
  message_id  TEXT COLLATE "C" NOT NULL,
  segment     BIGINT NOT NULL,
  carrier_id  TEXT COLLATE "C" NOT NULL,
  state       BIGINT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (carrier, match_key)
);
CREATE INDEX submits_by_message ON submits(message_id);
CREATE TABLE receipts_parked (
  rowid         BIGINT GENERATED ALWAYS AS IDENTITY,
  carrier       TEXT COLLATE "C" NOT NULL,
  match_key     TEXT COLLATE "C" NOT NULL,
  carrier_id    TEXT COLLATE "C" NOT NULL,
  status        BIGINT NOT NULL,
  carrier_code  TEXT COLLATE "C" NOT NULL,
  at            BIGINT NOT NULL
);
CREATE UNIQUE INDEX receipts_parked_by_rowid ON receipts_parked(rowid);
CREATE INDEX receipts_parked_by_key ON receipts_parked(carrier, match_key, rowid);
CREATE TABLE webhooks (
  rowid            BIGINT GENERATED ALWAYS AS IDENTITY,
  event_id         TEXT COLLATE "C" PRIMARY KEY,
  message_id       TEXT COLLATE "C" NOT NULL,
  status           BIGINT NOT NULL,
  previous_status  BIGINT NOT NULL,
  at               BIGINT NOT NULL,
  carrier          TEXT COLLATE "C" NOT NULL,
  error_code       TEXT COLLATE "C",
  error_detail     TEXT COLLATE "C",
  carrier_code     TEXT COLLATE "C",
  attempts         BIGINT NOT NULL DEFAULT 0,
  next_at          BIGINT NOT NULL,
  state            BIGINT NOT NULL DEFAULT 0,
  inbound          BIGINT NOT NULL DEFAULT 0,
  url              TEXT COLLATE "C"
);
CREATE UNIQUE INDEX webhooks_by_rowid ON webhooks(rowid);
CREATE INDEX webhooks_due ON webhooks(next_at) WHERE state = 0;
CREATE TABLE inbound (
  rowid           BIGINT GENERATED ALWAYS AS IDENTITY,
  id              TEXT COLLATE "C" PRIMARY KEY,
  carrier         TEXT COLLATE "C" NOT NULL,
  src             TEXT COLLATE "C" NOT NULL,
  dst             TEXT COLLATE "C" NOT NULL,
  body            BYTEA,
  at              BIGINT NOT NULL,
  keyword_action  TEXT COLLATE "C" NOT NULL,
  body_key        BIGINT,
  account         TEXT COLLATE "C"
);
CREATE UNIQUE INDEX inbound_by_rowid ON inbound(rowid);
CREATE INDEX inbound_by_time ON inbound(at, id);
CREATE INDEX inbound_by_action ON inbound(keyword_action, at, id);
CREATE INDEX inbound_by_body_key ON inbound(body_key, rowid);
CREATE INDEX inbound_by_account ON inbound(account, at, id);
CREATE TABLE inbound_parts (
  carrier   TEXT COLLATE "C" NOT NULL,
  src       TEXT COLLATE "C" NOT NULL,
  dst       TEXT COLLATE "C" NOT NULL,
  ref       BIGINT NOT NULL,
  total     BIGINT NOT NULL,
  seq       BIGINT NOT NULL,
  id        TEXT COLLATE "C" NOT NULL,
  body      BYTEA,
  body_key  BIGINT,
  at        BIGINT NOT NULL,
  PRIMARY KEY (carrier, src, dst, ref, total, seq)
);
CREATE INDEX inbound_parts_by_time ON inbound_parts(at);
CREATE TABLE canary_halts (
  flag       TEXT COLLATE "C" PRIMARY KEY,
  route      TEXT COLLATE "C" NOT NULL,
  reason     TEXT COLLATE "C" NOT NULL,
  detail     TEXT COLLATE "C" NOT NULL,
  halted_at  BIGINT NOT NULL
);
)sql",
    // 2: messages accepted by `serve --role api` processes, waiting for the delivering
    // process to take them (store/sql/handover.h).
    R"sql(
CREATE TABLE dispatch_handover (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id TEXT COLLATE "C" NOT NULL,
  dst        TEXT COLLATE "C" NOT NULL,
  priority   BIGINT NOT NULL,
  queued_at  BIGINT NOT NULL
);
)sql",
};

// The advisory lock every migrating process takes, per database: "deliverr" in ASCII, a
// constant no other application is likely to use.
constexpr int64_t kMigrationLock = 0x64656c6976657272;

// Inside the migration's transaction, holding the lock: another process may have made the
// table or moved the version since this one looked.
Result<int> LockedVersion(Connection& db) {
  const std::string setup = fmt::format(
      "SELECT pg_advisory_xact_lock({});"
      " CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);"
      " INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);",
      kMigrationLock);
  if (Status s = db.Exec(setup); !s.ok()) return s.error();
  auto stmt = db.Prepare("SELECT version FROM schema_version");
  if (!stmt.ok()) return stmt.take_error();
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return Error::Of("storage_error", "postgres: schema_version has no row");
  return static_cast<int>(stmt->Int(0));
}

// One step: the next migration, or nothing when the database is current (`done`).
Status Step(Connection& db, bool& done) {
  auto version = LockedVersion(db);
  if (!version.ok()) return version.take_error();
  if (*version >= LatestSchemaVersion()) {
    done = true;
    if (*version == LatestSchemaVersion()) return Status::Ok();
    return Error::Of("storage_error", fmt::format("database schema v{} is newer than this binary (v{})", *version,
                                                  LatestSchemaVersion()));
  }
  if (Status s = db.Exec(kPgMigrations[*version]); !s.ok()) return s;
  return db.Exec(fmt::format("UPDATE schema_version SET version = {}", *version + 1));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kPgMigrations.size()); }

// Each step re-reads the version inside its transaction, under the lock: processes that
// start together wait for each other, and each migration is applied once.
Status Migrate(Connection& db) {
  for (bool done = false; !done;) {
    if (Status s = db.Exec("BEGIN"); !s.ok()) return s;
    Status stepped = Step(db, done);
    if (stepped.ok()) stepped = db.Exec("COMMIT");
    if (!stepped.ok()) {
      (void)db.Exec("ROLLBACK");
      return stepped;
    }
  }
  return Status::Ok();
}

}  // namespace deliverer::store::postgres
