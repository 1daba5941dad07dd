#pragma once
// API keys and accounts: what authentication reads, and what the CLI and start-up manage.
// Every write here is synchronous and durable on return (CLI and start-up use); reads are
// synchronous and thread-safe (store/seam.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace deliverer::store {

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  virtual Status CreateApiKey(const ApiKeyRecord& key, const AuditEntry& audit) = 0;
  virtual Result<std::optional<ApiKeyRecord>> FindApiKey(const std::string& key_id) = 0;
  virtual Result<std::vector<ApiKeyRecord>> ListApiKeys() = 0;
  // The SMPP credentials with this system_id (ApiKeyRecord::smpp_system_id), revoked and
  // expired ones included (the caller judges them): two during a rotation's grace.
  virtual Result<std::vector<ApiKeyRecord>> FindSmppCredentials(const std::string& system_id) = 0;
  // Whether `account` has an SMPP credential neither revoked nor expired at `now_ms`.
  virtual Result<bool> HasSmppCredential(const std::string& account, int64_t now_ms) = 0;
  // Completes with code "not_found" for an unknown key id.
  virtual Status RevokeApiKey(const std::string& key_id, int64_t at_ms,
                              const AuditEntry& audit) = 0;
  // In one commit: stores `replacement` and makes the active key `old_key_id` expire at
  // `old_expires_at_ms` at the latest (both work until then). "not_found" when no active
  // key has that id.
  virtual Status RotateApiKey(const std::string& old_key_id, int64_t old_expires_at_ms,
                              const ApiKeyRecord& replacement, const AuditEntry& audit) = 0;

  // Accounts' own webhook signing secrets (docs/api.md "Verifying webhook signatures"):
  // the secret is sealed with the primary data key like bodies (docs/reliability.md S9)
  // and never goes into `audit`, the log or an error. The webhook dispatcher reads it
  // through OutboxStore::AccountWebhookSecret.
  // Set replaces the account's secret; "not_found" when the account does not exist
  // (accounts are created with their first API key).
  virtual Status SetAccountWebhookSecret(const std::string& account, const std::string& secret,
                                         int64_t at_ms, const AuditEntry& audit) = 0;
  // Back to the global secret. "not_found" when the account had no secret of its own.
  virtual Status ClearAccountWebhookSecret(const std::string& account, const AuditEntry& audit) = 0;
  // Every account, by id, with whether it has its own webhook secret (never the secret).
  virtual Result<std::vector<AccountRecord>> ListAccounts() = 0;
};

}  // namespace deliverer::store
