#include "store/sqlite/migrations.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace deliverer::store::sqlite {
namespace {

// Append only: never edit a migration that has shipped. docs/storage-schema.md explains
// every table.
constexpr std::array<std::string_view, 12> kMigrations = {
    R"sql(
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  created_at  INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_id      TEXT PRIMARY KEY,
  account     TEXT NOT NULL REFERENCES accounts(id),
  hash        TEXT NOT NULL,
  scopes      INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER
);
CREATE TABLE messages (
  id            TEXT PRIMARY KEY,
  account       TEXT NOT NULL,
  src           TEXT NOT NULL,
  dst           TEXT NOT NULL,
  dst_region    TEXT NOT NULL,
  body          BLOB,
  type          INTEGER NOT NULL,
  priority      INTEGER NOT NULL,
  encoding      INTEGER NOT NULL,
  segments      INTEGER NOT NULL,
  ttl_s         INTEGER NOT NULL,
  callback_url  TEXT NOT NULL,
  client_ref    TEXT NOT NULL,
  payload_hash  TEXT NOT NULL,
  status        INTEGER NOT NULL,
  carrier       TEXT NOT NULL DEFAULT '',
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  sent_at       INTEGER,
  done_at       INTEGER,
  expires_at    INTEGER NOT NULL,
  error_code    TEXT,
  error_detail  TEXT,
  carrier_code  TEXT
);
CREATE INDEX messages_by_account_time ON messages(account, created_at, id);
CREATE INDEX messages_by_time ON messages(created_at, id);
CREATE TABLE events (
  message_id  TEXT NOT NULL,
  at          INTEGER NOT NULL,
  status      INTEGER NOT NULL,
  carrier     TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_message ON events(message_id);
CREATE TABLE suppressions (
  account     TEXT NOT NULL,
  number      TEXT NOT NULL,
  reason      TEXT NOT NULL,
  source      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (account, number)
);
CREATE TABLE audit (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  at              INTEGER NOT NULL,
  key_id          TEXT NOT NULL,
  account         TEXT NOT NULL,
  source_ip       TEXT NOT NULL,
  action          TEXT NOT NULL,
  target          TEXT NOT NULL,
  correlation_id  TEXT NOT NULL
);
)sql",
    // 2: delivery: carrier ids per segment, parked receipts, the webhook outbox, inbound.
    R"sql(
ALTER TABLE messages ADD COLUMN receipt_due_at INTEGER;
CREATE INDEX messages_queued ON messages(created_at, id) WHERE status <= 1;
CREATE INDEX messages_receipt_due ON messages(receipt_due_at) WHERE status = 2;
CREATE INDEX messages_by_dst ON messages(dst, created_at);
CREATE TABLE submits (
  carrier     TEXT NOT NULL,
  match_key   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  segment     INTEGER NOT NULL,
  carrier_id  TEXT NOT NULL,
  state       INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (carrier, match_key)
) WITHOUT ROWID;
CREATE INDEX submits_by_message ON submits(message_id);
CREATE TABLE receipts_parked (
  carrier       TEXT NOT NULL,
  match_key     TEXT NOT NULL,
  carrier_id    TEXT NOT NULL,
  status        INTEGER NOT NULL,
  carrier_code  TEXT NOT NULL,
  at            INTEGER NOT NULL
);
CREATE INDEX receipts_parked_by_key ON receipts_parked(carrier, match_key);
CREATE TABLE webhooks (
  event_id         TEXT PRIMARY KEY,
  message_id       TEXT NOT NULL,
  status           INTEGER NOT NULL,
  previous_status  INTEGER NOT NULL,
  at               INTEGER NOT NULL,
  carrier          TEXT NOT NULL,
  error_code       TEXT,
  error_detail     TEXT,
  carrier_code     TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_at          INTEGER NOT NULL,
  state            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_due ON webhooks(next_at) WHERE state = 0;
CREATE TABLE inbound (
  id              TEXT PRIMARY KEY,
  carrier         TEXT NOT NULL,
  src             TEXT NOT NULL,
  dst             TEXT NOT NULL,
  body            BLOB,
  at              INTEGER NOT NULL,
  keyword_action  TEXT NOT NULL
);
)sql",
    // 3: opt-outs (docs/reliability.md S11): the gateway's replies to keyword MOs are marked,
    // so that they alone skip the suppression check and can be counted per subscriber;
    // the inbound list is read newest first, all of it or by keyword action.
    R"sql(
ALTER TABLE messages ADD COLUMN compliance_reply TEXT NOT NULL DEFAULT '';
CREATE INDEX inbound_by_time ON inbound(at, id);
CREATE INDEX inbound_by_action ON inbound(keyword_action, at, id);
)sql",
    // 4: bodies at rest (docs/reliability.md S9): the data key that sealed each body, 0 for a
    // body stored in clear before encryption existed, NULL when there is no body. The
    // index finds rows to re-encrypt (body_key < primary) and counts rows per key.
    R"sql(
ALTER TABLE messages ADD COLUMN body_key INTEGER;
UPDATE messages SET body_key = 0 WHERE body IS NOT NULL;
CREATE INDEX messages_by_body_key ON messages(body_key);
ALTER TABLE inbound ADD COLUMN body_key INTEGER;
UPDATE inbound SET body_key = 0 WHERE body IS NOT NULL;
CREATE INDEX inbound_by_body_key ON inbound(body_key);
-- Suppressions match by a keyed hash of the number (docs/reliability.md S10), so erasure can
-- remove the number in clear while the opt-out keeps holding. Filled at open for rows
-- from before.
ALTER TABLE suppressions ADD COLUMN number_hash TEXT;
CREATE INDEX suppressions_by_hash ON suppressions(number_hash, account);
)sql",
    // 5: accounts' own webhook signing secrets (docs/api.md "Verifying webhook signatures"), sealed
    // like bodies (docs/reliability.md S9): `secret_key` is the data key that sealed `secret`,
    // and the account is bound into the ciphertext. The index serves re-encryption and
    // the count of rows per data key.
    R"sql(
CREATE TABLE account_webhook_secrets (
  account     TEXT PRIMARY KEY REFERENCES accounts(id),
  secret      BLOB NOT NULL,
  secret_key  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX account_webhook_secrets_by_key ON account_webhook_secrets(secret_key);
)sql",
    // 6: scheduled sends (docs/api.md "Scheduled sends"): a message held until `send_at`
    // has status 7 (scheduled); the partial index is what the release sweep reads, and
    // holds only the messages still waiting for their time.
    R"sql(
ALTER TABLE messages ADD COLUMN send_at INTEGER;
CREATE INDEX messages_scheduled ON messages(send_at) WHERE status = 7;
)sql",
    // 7: prices (docs/api.md "Cost"), in millionths of their currency: the estimate made at
    // acceptance and the cost recorded when a carrier took the message, each with the
    // currency it was made in, so that a price or currency change later rewrites neither.
    // NULL: none (and every row from before).
    R"sql(
ALTER TABLE messages ADD COLUMN estimate_micros INTEGER;
ALTER TABLE messages ADD COLUMN estimate_currency TEXT;
ALTER TABLE messages ADD COLUMN cost_micros INTEGER;
ALTER TABLE messages ADD COLUMN cost_currency TEXT;
)sql",
    // 8: inbound to producers (docs/api.md "Inbound messages to producers"): the account an
    // MO's number was assigned to (NULL: unassigned), listed per account; an outbox row
    // may announce an inbound message (`inbound` 1: message_id is the inbound id, `url`
    // the number's inbound_url); parts of concatenated MOs wait in inbound_parts until
    // their message is whole or expires, their bodies sealed like inbound bodies.
    R"sql(
ALTER TABLE inbound ADD COLUMN account TEXT;
CREATE INDEX inbound_by_account ON inbound(account, at, id);
ALTER TABLE webhooks ADD COLUMN inbound INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN url TEXT;
CREATE TABLE inbound_parts (
  carrier   TEXT NOT NULL,
  src       TEXT NOT NULL,
  dst       TEXT NOT NULL,
  ref       INTEGER NOT NULL,
  total     INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  id        TEXT NOT NULL,
  body      BLOB,
  body_key  INTEGER,
  at        INTEGER NOT NULL,
  PRIMARY KEY (carrier, src, dst, ref, total, seq)
) WITHOUT ROWID;
CREATE INDEX inbound_parts_by_time ON inbound_parts(at);
)sql",
    // 9: a leaner write path (docs/storage-schema.md "Rows per message"). The events of
    // sent and of a final status are the message row's (sent_at, done_at, status, carrier
    // and, new here, done_detail), not rows of their own: rows from before are folded in.
    // Sends accepted together are one audit entry with their count. The time indexes end
    // at created_at: ties are few and sorted from the table, and an index entry no longer
    // carries a 36-character id. A single-segment message's one submit is its row's
    // `match_key` (with its `carrier`), found through a partial index on the key alone
    // (the carrier is checked on the row), instead of a submits row with a second index.
    R"sql(
ALTER TABLE messages ADD COLUMN done_detail TEXT;
UPDATE messages SET done_detail = (SELECT nullif(e.detail, '') FROM events e
    WHERE e.message_id = messages.id AND e.status = messages.status ORDER BY e.rowid DESC LIMIT 1)
  WHERE done_at IS NOT NULL AND status IN (3, 4, 5, 6, 8);
DELETE FROM events WHERE status IN (2, 3, 4, 5, 6, 8);
ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
DROP INDEX messages_by_account_time;
CREATE INDEX messages_by_account_time ON messages(account, created_at);
DROP INDEX messages_by_time;
CREATE INDEX messages_by_time ON messages(created_at);
ALTER TABLE messages ADD COLUMN match_key TEXT;
CREATE INDEX messages_by_match_key ON messages(match_key) WHERE match_key IS NOT NULL;
)sql",
    // 10: canary roll-outs halted by their guard (docs/configuration.md "The canary's
    // guard"), one row per flag until an operator resumes it; what the guard saw is kept
    // with it (`detail`: both arms' figures, no number or body).
    R"sql(
CREATE TABLE canary_halts (
  flag       TEXT PRIMARY KEY,
  route      TEXT NOT NULL,
  reason     TEXT NOT NULL,
  detail     TEXT NOT NULL,
  halted_at  INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 11: the SMPP server for producers (docs/smpp-server.md): an api_keys row with an
    // `smpp_system_id` is an SMPP credential, its `hash` the password's; the index finds
    // a bind's credentials (two during a rotation's grace).
    R"sql(
ALTER TABLE api_keys ADD COLUMN smpp_system_id TEXT;
CREATE INDEX api_keys_by_smpp_system_id ON api_keys(smpp_system_id) WHERE smpp_system_id IS NOT NULL;
)sql",
    // 12: messages accepted by a process that does not deliver, waiting for the one that
    // does (store/sql/handover.h). Shared with PostgreSQL; one SQLite file has one process
    // accepting and delivering, so here it stays empty.
    R"sql(
CREATE TABLE dispatch_handover (
  seq        INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL,
  dst        TEXT NOT NULL,
  priority   INTEGER NOT NULL,
  queued_at  INTEGER NOT NULL
);
)sql",
};

Result<int> UserVersion(Connection& db) {
  auto stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.take_error();
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  const int version = static_cast<int>(stmt->Int(0));
  stmt->Reset();
  return version;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

// Each step re-reads the version inside its write transaction, so two processes opening
// the same database at once (serve and the CLI) never apply a migration twice.
Status Migrate(Connection& db) {
  for (;;) {
    if (auto s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    auto version = UserVersion(db);
    if (!version.ok()) {
      (void)db.Exec("ROLLBACK");
      return version.take_error();
    }
    if (*version >= LatestSchemaVersion()) {
      (void)db.Exec("COMMIT");
      if (*version == LatestSchemaVersion()) return Status::Ok();
      return Error::Of("storage_error",
                       fmt::format("database schema v{} is newer than this binary (v{})",
                                   *version, LatestSchemaVersion()));
    }
    const std::string sql =
        fmt::format("{} PRAGMA user_version = {};", kMigrations[*version], *version + 1);
    Status applied = db.Exec(sql);
    if (applied.ok()) applied = db.Exec("COMMIT");
    if (!applied.ok()) {
      (void)db.Exec("ROLLBACK");
      return applied;
    }
  }
}

}  // namespace deliverer::store::sqlite
