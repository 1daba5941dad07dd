// SqlStore: suppressions, API keys and accounts (with their own webhook secrets),
// audit reads.
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

ApiKeyRecord ReadKey(const Statement& row) {
  ApiKeyRecord k;
  k.key_id = row.Text(0);
  k.account = row.Text(1);
  k.hash = row.Text(2);
  k.scopes = static_cast<uint32_t>(row.Int(3));
  k.created_at_ms = row.Int(4);
  k.expires_at_ms = row.OptionalInt(5);
  k.revoked_at_ms = row.OptionalInt(6);
  if (!row.IsNull(7)) k.smpp_system_id = row.Text(7);
  return k;
}

// Every row `stmt` selects (kKeyColumns), in order.
Result<std::vector<ApiKeyRecord>> ReadKeys(Statement& stmt) {
  std::vector<ApiKeyRecord> out;
  for (;;) {
    auto row = stmt.Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(ReadKey(stmt));
  }
}

constexpr std::string_view kKeyColumns =
    "key_id, account, hash, scopes, created_at, expires_at, revoked_at, smpp_system_id";

}  // namespace

Result<bool> SqlStore::IsSuppressed(const std::string& account, const std::string& number) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT 1 FROM suppressions WHERE number_hash = ? AND account IN (?, '') LIMIT 1");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, NumberHash(*cipher_, number)).Bind(2, account);
  return stmt->Step();
}

Result<std::vector<Suppression>> SqlStore::ListSuppressions(const SuppressionQuery& query) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  // One list ordered by number, or every list ordered by (account, number).
  auto stmt = (*reader)->Prepare(
      "SELECT account, number, reason, source, created_at FROM suppressions"
      " WHERE (?1 OR account = ?2) AND (account, number) > (CASE WHEN ?1 THEN ?3 ELSE ?2 END, ?4)"
      " ORDER BY account, number LIMIT ?5");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, int64_t{query.all_accounts ? 1 : 0}).Bind(2, query.account);
  stmt->Bind(3, query.after_account.value_or("")).Bind(4, query.after_number.value_or(""));
  stmt->Bind(5, int64_t{query.limit});
  std::vector<Suppression> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(Suppression{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3),
                              stmt->Int(4)});
  }
}

Result<std::vector<AuditEntry>> SqlStore::ListAudit(const AuditQuery& query) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT seq, at, key_id, account, source_ip, action, target, correlation_id, count FROM audit"
      " WHERE at >= ?1 AND (CAST(?2 AS BIGINT) = 0 OR at < ?2) AND seq > ?3 AND (?4 = '' OR action = ?4)"
      " AND (?5 = '' OR key_id = ?5) AND (?6 = '' OR account = ?6) ORDER BY seq LIMIT ?7");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, query.since_ms).Bind(2, query.until_ms).Bind(3, query.after_seq).Bind(4, query.action);
  stmt->Bind(5, query.key_id).Bind(6, query.account).Bind(7, int64_t{query.limit});
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(AuditEntry{stmt->Int(0), stmt->Int(1), stmt->Text(2), stmt->Text(3),
                             stmt->Text(4), stmt->Text(5), stmt->Text(6), stmt->Text(7), stmt->Int(8)});
  }
}

namespace {

Status InsertApiKey(Connection& db, const ApiKeyRecord& key) {
  auto stmt = db.Prepare(
      "INSERT INTO api_keys (key_id, account, hash, scopes, created_at, expires_at, smpp_system_id)"
      " VALUES (?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, key.key_id).Bind(2, key.account).Bind(3, key.hash);
  stmt->Bind(4, int64_t{key.scopes}).Bind(5, key.created_at_ms).Bind(6, key.expires_at_ms);
  if (key.smpp_system_id.empty()) {
    stmt->BindNull(7);
  } else {
    stmt->Bind(7, key.smpp_system_id);
  }
  return stmt->Run();
}

}  // namespace

Status SqlStore::CreateApiKey(const ApiKeyRecord& key, const AuditEntry& audit) {
  return WriteAndWait([&](Connection& db) -> Status {
    auto account = db.Prepare("INSERT INTO accounts (id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
    if (!account.ok()) return account.take_error();
    account->Bind(1, key.account).Bind(2, key.created_at_ms);
    if (auto s = account->Run(); !s.ok()) return s;
    if (auto s = InsertApiKey(db, key); !s.ok()) return s;
    return InsertAudit(db, audit);
  });
}

Result<std::optional<ApiKeyRecord>> SqlStore::FindApiKey(const std::string& key_id) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      std::string("SELECT ") + std::string(kKeyColumns) + " FROM api_keys WHERE key_id = ?");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, key_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<ApiKeyRecord>();
  return std::optional<ApiKeyRecord>(ReadKey(*stmt));
}

Result<std::vector<ApiKeyRecord>> SqlStore::ListApiKeys() {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(std::string("SELECT ") + std::string(kKeyColumns) +
                                 " FROM api_keys ORDER BY created_at, key_id");
  if (!stmt.ok()) return stmt.take_error();
  return ReadKeys(*stmt);
}

Result<std::vector<ApiKeyRecord>> SqlStore::FindSmppCredentials(const std::string& system_id) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(std::string("SELECT ") + std::string(kKeyColumns) +
                                 " FROM api_keys WHERE smpp_system_id = ? ORDER BY created_at, key_id");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, system_id);
  return ReadKeys(*stmt);
}

Result<bool> SqlStore::HasSmppCredential(const std::string& account, int64_t now_ms) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT 1 FROM api_keys WHERE account = ? AND smpp_system_id IS NOT NULL AND revoked_at IS NULL"
      " AND (expires_at IS NULL OR expires_at > ?) LIMIT 1");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, account).Bind(2, now_ms);
  return stmt->Step();
}

Status SqlStore::RevokeApiKey(const std::string& key_id, int64_t at_ms,
                                 const AuditEntry& audit) {
  return WriteAndWait([&](Connection& db) -> Status {
    auto stmt = db.Prepare(
        "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, at_ms).Bind(2, key_id);
    if (auto s = stmt->Run(); !s.ok()) return s;
    if (db.Changes() == 0) return Error::Of("not_found", "no active key " + key_id);
    return InsertAudit(db, audit);
  });
}

Status SqlStore::RotateApiKey(const std::string& old_key_id, int64_t old_expires_at_ms,
                                 const ApiKeyRecord& replacement, const AuditEntry& audit) {
  return WriteAndWait([&](Connection& db) -> Status {
    auto old = db.Prepare(
        "UPDATE api_keys SET expires_at = CASE WHEN expires_at < ?1 THEN expires_at ELSE ?1 END"
        " WHERE key_id = ?2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?3)");
    if (!old.ok()) return old.take_error();
    old->Bind(1, old_expires_at_ms).Bind(2, old_key_id).Bind(3, replacement.created_at_ms);
    if (auto s = old->Run(); !s.ok()) return s;
    if (db.Changes() == 0) return Error::Of("not_found", "no active key " + old_key_id);
    if (auto s = InsertApiKey(db, replacement); !s.ok()) return s;
    return InsertAudit(db, audit);
  });
}

// The account must exist: a secret set for a misspelt name would leave the real account
// on the global secret without a word.
Status SqlStore::SetAccountWebhookSecret(const std::string& account, const std::string& secret,
                                            int64_t at_ms, const AuditEntry& audit) {
  const std::string sealed = cipher_->Seal(secret, WebhookSecretContext(account));
  return WriteAndWait([&](Connection& db) -> Status {
    auto known = db.Prepare("SELECT 1 FROM accounts WHERE id = ?");
    if (!known.ok()) return known.take_error();
    known->Bind(1, account);
    auto row = known->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return Error::Of("not_found", "no account " + account);
    auto stmt = db.Prepare(
        "INSERT INTO account_webhook_secrets (account, secret, secret_key, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (account) DO UPDATE SET"
        " secret = excluded.secret, secret_key = excluded.secret_key,"
        " updated_at = excluded.updated_at");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, account).BindBlob(2, sealed).Bind(3, int64_t{crypto::SealedKeyId(sealed)});
    stmt->Bind(4, at_ms);
    if (auto s = stmt->Run(); !s.ok()) return s;
    return InsertAudit(db, audit);
  });
}

Status SqlStore::ClearAccountWebhookSecret(const std::string& account, const AuditEntry& audit) {
  return WriteAndWait([&](Connection& db) -> Status {
    auto stmt = db.Prepare("DELETE FROM account_webhook_secrets WHERE account = ?");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, account);
    if (auto s = stmt->Run(); !s.ok()) return s;
    if (db.Changes() == 0) {
      return Error::Of("not_found", "the account " + account + " has no webhook secret of its own");
    }
    return InsertAudit(db, audit);
  });
}

Result<std::optional<std::string>> SqlStore::AccountWebhookSecret(const std::string& account) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare("SELECT secret FROM account_webhook_secrets WHERE account = ?");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, account);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<std::string>();
  auto secret = cipher_->Open(stmt->Text(0), WebhookSecretContext(account));
  if (!secret.ok()) {
    return Error::Of("storage_error", "the webhook secret of account " + account +
                                          " does not open: " + secret.error().code);
  }
  return std::optional<std::string>(std::move(*secret));
}

Result<std::vector<AccountRecord>> SqlStore::ListAccounts() {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT a.id, a.created_at, w.updated_at FROM accounts a"
      " LEFT JOIN account_webhook_secrets w ON w.account = a.id ORDER BY a.id");
  if (!stmt.ok()) return stmt.take_error();
  std::vector<AccountRecord> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(AccountRecord{stmt->Text(0), stmt->Int(1), stmt->OptionalInt(2)});
  }
}

}  // namespace deliverer::store::sql
