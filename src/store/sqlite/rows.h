#pragma once
// Row ↔ record mapping for the SQLite store, shared by its reads and write jobs.
#include <string_view>

#include "store/records.h"
#include "store/sqlite/db.h"

namespace deliverer::store::sqlite {

// The column list every message read selects, in the order ReadMessage expects.
inline constexpr std::string_view kMessageColumns =
    "id, account, src, dst, status, type, priority, encoding, segments, client_ref, carrier, "
    "attempts, created_at, updated_at, sent_at, done_at, error_code, error_detail, "
    "carrier_code, payload_hash";
inline constexpr int kPayloadHashColumn = 19;

MessageRecord ReadMessage(const Statement& row);
Status InsertMessageRow(Connection& db, const NewMessage& m);
Status InsertEvent(Connection& db, const std::string& message_id, const MessageEvent& event);
Status InsertAudit(Connection& db, const AuditEntry& entry);
// Puts a number on a suppression list (or updates its reason).
Status UpsertSuppression(Connection& db, const Suppression& s);
// False when the number was not on the list.
Result<bool> RemoveSuppression(Connection& db, const std::string& account, const std::string& number);
Result<std::vector<MessageEvent>> ReadEvents(Connection& db, const std::string& message_id);

}  // namespace deliverer::store::sqlite
