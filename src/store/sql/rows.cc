#include "store/sql/rows.h"

#include "store/new_record.h"

namespace deliverer::store::sql {
namespace {

// A price stored as its micros and currency in columns `column` and `column + 1`.
std::optional<model::Price> ReadPrice(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return model::Price{row.Int(column), row.Text(column + 1)};
}

}  // namespace

void BindPrice(Statement& stmt, int index, const std::optional<model::Price>& price) {
  if (price) {
    stmt.Bind(index, price->micros).Bind(index + 1, price->currency);
  } else {
    stmt.BindNull(index).BindNull(index + 1);
  }
}

MessageRecord ReadMessage(const Statement& row) {
  MessageRecord m;
  m.id = row.Text(0);
  m.account = row.Text(1);
  m.from = row.Text(2);
  m.to = row.Text(3);
  m.status = static_cast<model::Status>(row.Int(4));
  m.type = static_cast<model::MessageType>(row.Int(5));
  m.priority = static_cast<model::Priority>(row.Int(6));
  m.encoding = static_cast<model::Encoding>(row.Int(7));
  m.segments = static_cast<int>(row.Int(8));
  m.client_ref = row.Text(9);
  m.carrier = row.Text(10);
  m.attempts = static_cast<int>(row.Int(11));
  m.created_at_ms = row.Int(12);
  m.updated_at_ms = row.Int(13);
  m.sent_at_ms = row.OptionalInt(14);
  m.done_at_ms = row.OptionalInt(15);
  if (!row.IsNull(16)) m.error = MessageError{row.Text(16), row.Text(17), row.Text(18)};
  m.send_at_ms = row.OptionalInt(20);
  m.estimate = ReadPrice(row, 21);
  m.cost = ReadPrice(row, 23);
  return m;
}

Result<bool> InsertMessageRow(Connection& db, const NewMessage& m, const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(
      "INSERT INTO messages (id, account, src, dst, dst_region, body, type, priority, encoding,"
      " segments, ttl_s, callback_url, client_ref, payload_hash, status, created_at, updated_at,"
      " expires_at, compliance_reply, body_key, send_at, estimate_micros, estimate_currency)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING");
  if (!stmt.ok()) return stmt.take_error();
  const std::string sealed = cipher.Seal(m.body, MessageBodyContext(m.id));
  stmt->Bind(1, m.id).Bind(2, m.account).Bind(3, m.from).Bind(4, m.to).Bind(5, m.to_region);
  stmt->BindBlob(6, sealed).Bind(20, int64_t{crypto::SealedKeyId(sealed)});
  stmt->Bind(7, int64_t{static_cast<int>(m.type)}).Bind(8, int64_t{static_cast<int>(m.priority)});
  stmt->Bind(9, int64_t{static_cast<int>(m.encoding)}).Bind(10, int64_t{m.segments});
  stmt->Bind(11, int64_t{m.ttl_seconds}).Bind(12, m.callback_url).Bind(13, m.client_ref);
  stmt->BindBlob(14, KeyedPayloadHash(cipher, m.payload_hash));
  const bool scheduled = IsScheduled(m);
  stmt->Bind(15, int64_t{static_cast<int>(scheduled ? model::Status::kScheduled : model::Status::kQueued)});
  stmt->Bind(16, m.created_at_ms).Bind(17, m.created_at_ms);
  stmt->Bind(18, ExpiresAtOf(m)).Bind(19, m.compliance_reply);
  if (scheduled) {
    stmt->Bind(21, m.send_at_ms);
  } else {
    stmt->BindNull(21);
  }
  BindPrice(*stmt, 22, m.estimate);
  if (Status s = stmt->Run(); !s.ok()) return s.error();
  return db.Changes() > 0;
}

Result<bool> ConsumeParts(Connection& db, const InboundPartsKey& key) {
  auto stmt = db.Prepare(
      "DELETE FROM inbound_parts WHERE carrier = ? AND src = ? AND dst = ? AND ref = ? AND total = ?");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, key.carrier).Bind(2, key.from).Bind(3, key.to);
  stmt->Bind(4, int64_t{key.reference}).Bind(5, int64_t{key.total});
  if (auto s = stmt->Run(); !s.ok()) return s.error();
  return db.Changes() > 0;
}

std::string MessageBodyContext(std::string_view message_id) {
  return "messages.body/" + std::string(message_id);
}

std::string InboundBodyContext(std::string_view inbound_id) {
  return "inbound.body/" + std::string(inbound_id);
}

std::string WebhookSecretContext(std::string_view account) {
  return "account_webhook_secrets.secret/" + std::string(account);
}

Result<std::string> OpenBody(const crypto::Cipher& cipher, const std::string& stored,
                             int64_t key_id, std::string_view context) {
  if (key_id == 0) return stored;
  return cipher.Open(stored, context);
}

// The "payload/" and "number/" prefixes keep the two uses of the index key apart.
std::string KeyedPayloadHash(const crypto::Cipher& cipher, std::string_view raw_hash) {
  const auto digest = cipher.KeyedDigest("payload/" + std::string(raw_hash));
  return std::string(reinterpret_cast<const char*>(digest.data()), kPayloadHashBytes);
}

std::string NumberHash(const crypto::Cipher& cipher, std::string_view number) {
  return cipher.KeyedHash("number/" + std::string(number));
}

bool PayloadHashMatches(const crypto::Cipher& cipher, std::string_view stored,
                        std::string_view raw_hash) {
  if (stored.size() == kPayloadHashBytes) return stored == KeyedPayloadHash(cipher, raw_hash);
  if (stored.starts_with("k1:")) return stored.substr(3) == cipher.KeyedHash("payload/" + std::string(raw_hash));
  return stored == raw_hash;
}

bool IsKeyedPayloadHash(std::string_view stored) {
  return stored.size() == kPayloadHashBytes || stored.starts_with("k1:");
}

Status InsertEvent(Connection& db, const std::string& message_id, const MessageEvent& event) {
  auto stmt = db.Prepare(
      "INSERT INTO events (message_id, at, status, carrier, detail) VALUES (?,?,?,?,?)");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, message_id).Bind(2, event.at_ms);
  stmt->Bind(3, int64_t{static_cast<int>(event.status)}).Bind(4, event.carrier);
  stmt->Bind(5, event.detail);
  return stmt->Send();
}

Status InsertAudit(Connection& db, const AuditEntry& e) {
  auto stmt = db.Prepare(
      "INSERT INTO audit (at, key_id, account, source_ip, action, target, correlation_id, count)"
      " VALUES (?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, e.at_ms).Bind(2, e.key_id).Bind(3, e.account).Bind(4, e.source_ip);
  stmt->Bind(5, e.action).Bind(6, e.target).Bind(7, e.correlation_id).Bind(8, e.count);
  return stmt->Run();
}

Status UpsertSuppression(Connection& db, const Suppression& s, const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(
      "INSERT INTO suppressions (account, number, reason, source, created_at, number_hash)"
      " VALUES (?,?,?,?,?,?) ON CONFLICT (account, number) DO UPDATE SET"
      " reason = excluded.reason, number_hash = excluded.number_hash");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, s.account).Bind(2, s.number).Bind(3, s.reason).Bind(4, s.source);
  stmt->Bind(5, s.created_at_ms).Bind(6, NumberHash(cipher, s.number));
  return stmt->Run();
}

Result<bool> RemoveSuppression(Connection& db, const std::string& account,
                               const std::string& number, const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(
      "DELETE FROM suppressions WHERE account = ?1 AND number_hash = ?2");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, account).Bind(2, NumberHash(cipher, number));
  if (auto r = stmt->Run(); !r.ok()) return r.error();
  return db.Changes() > 0;
}

Result<std::vector<std::string>> FirstColumnTexts(Statement& stmt) {
  std::vector<std::string> texts;
  for (;;) {
    auto row = stmt.Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return texts;
    texts.push_back(stmt.Text(0));
  }
}

bool EventInRow(model::Status status) { return model::IsAnnounced(status); }

Result<std::vector<MessageEvent>> ReadHistory(Connection& db, const MessageRecord& message,
                                              const Statement& row) {
  auto stmt = db.Prepare("SELECT status, at, carrier, detail FROM events WHERE message_id = ? ORDER BY rowid");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, message.id);
  std::vector<MessageEvent> events;
  const bool scheduled = message.send_at_ms.has_value();
  events.push_back(MessageEvent{scheduled ? model::Status::kScheduled : model::Status::kQueued,
                                message.created_at_ms, {}, {}});
  for (;;) {
    auto next = stmt->Step();
    if (!next.ok()) return next.take_error();
    if (!*next) break;
    MessageEvent event{static_cast<model::Status>(stmt->Int(0)), stmt->Int(1), stmt->Text(2), stmt->Text(3)};
    // The `queued` row of a message from before the first event was derived.
    if (events.size() == 1 && !scheduled && event.status == model::Status::kQueued) events.clear();
    events.push_back(std::move(event));
  }
  if (message.sent_at_ms) events.push_back(MessageEvent{model::Status::kSent, *message.sent_at_ms, message.carrier, {}});
  if (message.done_at_ms && model::IsTerminal(message.status)) {
    events.push_back(MessageEvent{message.status, *message.done_at_ms, message.carrier, row.Text(kDoneDetailColumn)});
  }
  return events;
}

}  // namespace deliverer::store::sql
