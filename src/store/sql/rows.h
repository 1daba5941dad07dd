#pragma once
// Row ↔ record mapping for the SQL store, shared by its reads and write jobs.
#include <string_view>

#include "crypto/cipher.h"
#include "store/records.h"
#include "store/sql/db.h"

namespace deliverer::store::sql {

// The column list every message read selects, in the order ReadMessage expects.
inline constexpr std::string_view kMessageColumns =
    "id, account, src, dst, status, type, priority, encoding, segments, client_ref, carrier, "
    "attempts, created_at, updated_at, sent_at, done_at, error_code, error_detail, "
    "carrier_code, payload_hash, send_at, estimate_micros, estimate_currency, cost_micros, "
    "cost_currency, done_detail";
inline constexpr int kPayloadHashColumn = 19;
inline constexpr int kDoneDetailColumn = 25;

MessageRecord ReadMessage(const Statement& row);
// Binds a price (migration 6) to `index` (its micros) and `index + 1` (its currency); both
// NULL for none.
void BindPrice(Statement& stmt, int index, const std::optional<model::Price>& price);
// Seals the body (docs/reliability.md S9) and keys the payload hash on the way in. False,
// and nothing written, when a message with this id is stored already: on PostgreSQL
// another process may have stored it since this one looked (the unique key decides, and
// the transaction goes on).
Result<bool> InsertMessageRow(Connection& db, const NewMessage& m, const crypto::Cipher& cipher);
// Deletes every part of `key`'s set (records.h InboundPartsKey); false when none was held.
Result<bool> ConsumeParts(Connection& db, const InboundPartsKey& key);
Status InsertEvent(Connection& db, const std::string& message_id, const MessageEvent& event);
Status InsertAudit(Connection& db, const AuditEntry& entry);
// Puts a number on a suppression list (or updates its reason), with its NumberHash.
Status UpsertSuppression(Connection& db, const Suppression& s, const crypto::Cipher& cipher);
// False when the number was not on the list. Matches by NumberHash.
Result<bool> RemoveSuppression(Connection& db, const std::string& account,
                               const std::string& number, const crypto::Cipher& cipher);
// Steps a bound statement to its end, collecting the text of its first column (ids).
Result<std::vector<std::string>> FirstColumnTexts(Statement& stmt);
// The `events` rows of a message (a message read with kMessageColumns, `row`) and the
// events its row holds, in order: a message's history as the API shows it.
//
// Only what the row cannot say is an `events` row (migration 9): its first event (queued,
// or scheduled for a message with a send_at) is its created_at; `sent` is its sent_at and
// carrier; its final event is its done_at, status, carrier and done_detail. A change to
// sent or to a final status happens at most once (model/lifecycle.h), so the row holds
// each exactly. What is left as rows is what comes before sending: a scheduled message's
// release to `queued`. Rows written before the first event was derived start with that
// `queued` row, kept as is.
Result<std::vector<MessageEvent>> ReadHistory(Connection& db, const MessageRecord& message,
                                              const Statement& row);
// True for the changes whose event the message row holds (not written to `events`).
bool EventInRow(model::Status status);

// Bodies at rest (docs/reliability.md S9) are sealed with their row as context, so a body
// copied into another row does not open.
std::string MessageBodyContext(std::string_view message_id);
std::string InboundBodyContext(std::string_view inbound_id);
std::string WebhookSecretContext(std::string_view account);
// The body of a row whose body_key column is `key_id`; 0 marks a body stored in clear
// before encryption existed, which is returned as it is until re-encryption seals it.
Result<std::string> OpenBody(const crypto::Cipher& cipher, const std::string& stored,
                             int64_t key_id, std::string_view context);
// Idempotency hashes are stored keyed, so a guessable payload (a short code to a known
// number) cannot be confirmed from the database by hashing guesses: as the first 8 bytes
// of the keyed hash (a BLOB, migration 9), or as "k1:<hex>" of all 32 (rows from before).
// 64 bits is ample: the hash only tells a replay of one message id from a conflict, and a
// different request under the same id passes for a replay once in 2^64.
std::string KeyedPayloadHash(const crypto::Cipher& cipher, std::string_view raw_hash);
// Suppressions match numbers by this keyed hash (docs/reliability.md S10), so erasing the
// number in clear leaves the opt-out in force.
std::string NumberHash(const crypto::Cipher& cipher, std::string_view number);
inline constexpr size_t kPayloadHashBytes = 8;
// `stored` keyed, or raw from before keying (re-encryption keys those).
bool PayloadHashMatches(const crypto::Cipher& cipher, std::string_view stored,
                        std::string_view raw_hash);
// False for a raw hash from before keying, which re-encryption replaces.
bool IsKeyedPayloadHash(std::string_view stored);

}  // namespace deliverer::store::sql
