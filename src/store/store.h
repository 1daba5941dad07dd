#pragma once
// The Store seam: durable state (messages, events, idempotency, suppressions, keys, audit).
// Two implementations are planned: SQLite (embedded, store/sqlite/) and PostgreSQL.
// Callers include this header only; server/ picks the backend.
//
// Writes are asynchronous and batch-oriented: a write is queued, committed together with
// the writes of other callers (group commit, one fsync), and its callback runs only after
// the commit is durable, or with an error if it is not; an error never reports success.
// Callbacks run on a store thread: they MUST NOT block; post work elsewhere.
// Reads are synchronous, may run on any thread, and see every write whose callback ran.
// Implementations are thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace deliverer::store {

// How long a message id answers replays of an identical request (docs/api.md "Idempotency").
inline constexpr int64_t kIdempotencyWindowMs = 24LL * 3600 * 1000;

class Store {
 public:
  virtual ~Store() = default;

  using InsertCallback = std::function<void(std::vector<Result<InsertResult>>)>;
  // Stores each message (with its `queued` event and a `message.send` audit entry) unless
  // its id exists: then the outcome says replay or conflict. Results are in input order.
  // Per-item failures do not affect the other items.
  virtual void InsertMessages(std::vector<NewMessage> messages, InsertCallback done) = 0;

  using StatusCallback = std::function<void(Status)>;
  virtual void PutSuppression(Suppression suppression, AuditEntry audit, StatusCallback done) = 0;
  // Completes with code "not_found" when there was nothing to delete.
  virtual void DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                                 StatusCallback done) = 0;
  virtual void AppendAudit(AuditEntry entry, StatusCallback done) = 0;

  virtual Result<std::optional<MessageRecord>> GetMessage(const std::string& id,
                                                          bool with_events) = 0;
  virtual Result<MessagePage> ListMessages(const MessageQuery& query) = 0;
  // True when `number` is on `account`'s list or on the global list.
  virtual Result<bool> IsSuppressed(const std::string& account, const std::string& number) = 0;
  virtual Result<std::vector<Suppression>> ListSuppressions(const SuppressionQuery& query) = 0;
  // Inbound (MO) messages, newest first, at most `query.limit`.
  virtual Result<std::vector<InboundRecord>> ListInbound(const InboundQuery& query) = 0;
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;

  // Keys and accounts: synchronous and durable on return (CLI and start-up use).
  virtual Status CreateApiKey(const ApiKeyRecord& key, const AuditEntry& audit) = 0;
  virtual Result<std::optional<ApiKeyRecord>> FindApiKey(const std::string& key_id) = 0;
  virtual Result<std::vector<ApiKeyRecord>> ListApiKeys() = 0;
  // Completes with code "not_found" for an unknown key id.
  virtual Status RevokeApiKey(const std::string& key_id, int64_t at_ms,
                              const AuditEntry& audit) = 0;
  // In one commit: stores `replacement` and makes the active key `old_key_id` expire at
  // `old_expires_at_ms` at the latest (both work until then). "not_found" when no active
  // key has that id.
  virtual Status RotateApiKey(const std::string& old_key_id, int64_t old_expires_at_ms,
                              const ApiKeyRecord& replacement, const AuditEntry& audit) = 0;

  // Accounts' own webhook signing secrets (docs/api.md "Verifying webhook signatures"): synchronous
  // and durable on return (CLI use). The secret is sealed with the primary data key like
  // bodies (docs/reliability.md S9) and never goes into `audit`, the log or an error.
  // Set replaces the account's secret; "not_found" when the account does not exist
  // (accounts are created with their first API key).
  virtual Status SetAccountWebhookSecret(const std::string& account, const std::string& secret,
                                         int64_t at_ms, const AuditEntry& audit) = 0;
  // Back to the global secret. "not_found" when the account had no secret of its own.
  virtual Status ClearAccountWebhookSecret(const std::string& account, const AuditEntry& audit) = 0;
  // Every account, by id, with whether it has its own webhook secret (never the secret).
  virtual Result<std::vector<AccountRecord>> ListAccounts() = 0;

  // One bounded pass of the retention job; synchronous (the job's own thread).
  virtual Result<RetentionResult> ApplyRetention(const RetentionCutoffs& cutoffs) = 0;

  // Values at rest (docs/reliability.md S9). Rows (messages and inbound per body, accounts'
  // webhook secrets) per data key that sealed them; key 0 counts bodies stored in clear
  // before encryption existed.
  virtual Result<std::map<uint32_t, int64_t>> CountRowsByDataKey() = 0;
  // The data key new bodies are sealed with.
  virtual uint32_t PrimaryDataKey() const = 0;
  // Re-reads the key ring when its file changed since the last look (a rotation by the
  // CLI); keys the file no longer lists stay usable by this process. A file that does
  // not load changes nothing and is the error.
  virtual Status ReloadDataKeys() = 0;
  // Moves up to `limit` sealed values (bodies, webhook secrets) of an older key, or bodies
  // stored in clear, to the primary key; returns how many moved, 0 when none is left.
  // Reads and seals outside the writer; the write is one short job, so producers never
  // wait long behind it.
  // One caller at a time (it keeps a cursor per key).
  virtual Result<int> ReencryptBatch(int limit) = 0;

  // Erasure on request (docs/reliability.md S10), in one commit with its `audit` entry: every
  // message and inbound message to or from `number` (E.164, also matched without its
  // '+') loses its body and has the number replaced by "erased"; queued messages to it end
  // `rejected` (recipient_erased); its opt-outs keep holding through their keyed hash
  // while the number in clear is dropped. Then the write-ahead log is emptied.
  virtual void EraseNumber(std::string number, AuditEntry audit,
                           std::function<void(Result<EraseResult>)> done) = 0;

  // Messages accepted and not yet terminal: the queue depth used for back-pressure.
  virtual int64_t PendingCount() const = 0;
  // For /readyz, cheap: ok when the store answers reads and its latest writes were made
  // durable; else the reason, until a write succeeds again.
  virtual Status Ping() = 0;
};

}  // namespace deliverer::store
