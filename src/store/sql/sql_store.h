#pragma once
// Every seam of store/backend.h in SQL, over the driver seam (store/sql/db.h): written by
// a single group-commit thread (writer.h), read through a small pool of read connections.
// The backends are subclasses that open it: SQLite (store/sqlite/sqlite_store.h) and
// PostgreSQL (store/postgres/postgres_store.h), each adding what only it can do (backups,
// scrubbing a log after an erasure).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "crypto/cipher.h"
#include "store/sql/delivery_job.h"
#include "store/sql/delivery_writes.h"
#include "store/sql/db.h"
#include "store/sql/send_audit.h"
#include "store/sql/writer.h"
#include "store/backend.h"

namespace deliverer::store::sql {

struct SealedColumn;  // data_keys.h

class SqlStore : public Backend {
 public:
  ~SqlStore() override;

  void InsertMessages(std::vector<NewMessage> messages, InsertCallback done) override;
  void PutSuppression(Suppression suppression, AuditEntry audit, StatusCallback done) override;
  void DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                         StatusCallback done) override;
  void AppendAudit(AuditEntry entry, StatusCallback done) override;

  void CancelMessage(CancelRequest request, CancelCallback done) override;
  Result<std::optional<MessageRecord>> GetMessage(const std::string& id, bool with_events) override;
  Result<MessagePage> ListMessages(const MessageQuery& query) override;
  Result<bool> IsSuppressed(const std::string& account, const std::string& number) override;
  Result<std::vector<Suppression>> ListSuppressions(const SuppressionQuery& query) override;
  Result<std::vector<InboundRecord>> ListInbound(const InboundQuery& query) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) override;

  Status CreateApiKey(const ApiKeyRecord& key, const AuditEntry& audit) override;
  Result<std::optional<ApiKeyRecord>> FindApiKey(const std::string& key_id) override;
  Result<std::vector<ApiKeyRecord>> ListApiKeys() override;
  Result<std::vector<ApiKeyRecord>> FindSmppCredentials(const std::string& system_id) override;
  Result<bool> HasSmppCredential(const std::string& account, int64_t now_ms) override;
  Status RevokeApiKey(const std::string& key_id, int64_t at_ms, const AuditEntry& audit) override;
  Status RotateApiKey(const std::string& old_key_id, int64_t old_expires_at_ms, const ApiKeyRecord& replacement,
                      const AuditEntry& audit) override;

  Status SetAccountWebhookSecret(const std::string& account, const std::string& secret,
                                 int64_t at_ms, const AuditEntry& audit) override;
  Status ClearAccountWebhookSecret(const std::string& account, const AuditEntry& audit) override;
  Result<std::vector<AccountRecord>> ListAccounts() override;

  Result<RetentionResult> ApplyRetention(const RetentionCutoffs& cutoffs) override;
  void EraseNumber(std::string number, AuditEntry audit,
                   std::function<void(Result<EraseResult>)> done) override;
  Result<std::map<uint32_t, int64_t>> CountRowsByDataKey() override;
  uint32_t PrimaryDataKey() const override { return cipher_->PrimaryKeyId(); }
  Status ReloadDataKeys() override;
  Result<int> ReencryptBatch(int limit) override;

  // Never below zero: on a shared database, between two reads of the database's count
  // (PostgresOptions::shared_queue_depth_every), this process may send more messages than
  // it counted.
  int64_t PendingCount() const override { return std::max<int64_t>(0, pending_.load(std::memory_order_relaxed)); }
  Status Ping() override;

  // DeliveryStore, OutboxStore, InboundStore
  Result<std::optional<DeliveryRecord>> GetForDelivery(const std::string& id) override;
  Result<std::vector<QueuedRef>> ListDueScheduled(int64_t now_ms, int limit) override;
  Result<std::vector<QueuedRef>> ListQueued(std::optional<std::pair<int64_t, std::string>> after,
                                            int limit) override;
  void TakeHandedOver(int limit, HandedOverCallback done) override;
  void RecordChanges(std::vector<StatusChange> changes, ChangesCallback done) override;
  void ApplyReceipts(std::vector<ReceiptIn> receipts, ReceiptsCallback done) override;
  Result<std::vector<std::string>> ListExpiredQueued(int64_t now_ms, int limit) override;
  Result<std::vector<std::string>> ListReceiptOverdue(int64_t now_ms, int limit) override;
  Result<std::vector<WebhookJob>> DueWebhooks(int64_t now_ms, int limit,
                                              const std::vector<std::string>& skip_accounts) override;
  Result<std::vector<ProducerReceiptJob>> DueProducerReceipts(const std::string& system_id, int64_t now_ms,
                                                              int limit) override;
  Result<std::vector<ProducerInboundJob>> DueProducerInbound(const std::string& account, int64_t now_ms,
                                                             int limit) override;
  void CompleteWebhooks(std::vector<WebhookDone> done, StatusCallback callback) override;
  Result<int64_t> PendingWebhooks() override;
  void SetWebhookListener(WebhookListener listener) override;
  Result<std::optional<std::string>> AccountWebhookSecret(const std::string& account) override;
  void RecordInbound(InboundRecord inbound, InboundEffects effects, InboundCallback done) override;
  Result<std::string> LastSenderAccount(const std::string& subscriber,
                                        const std::string& sender) override;
  void KeepInboundPart(InboundPart part, int64_t max_pending, PartCallback done) override;
  Result<std::vector<std::vector<InboundPart>>> ExpiredInboundParts(int64_t before_ms, int max_sets,
                                                                  PartsOwner owner) override;
  Result<int64_t> PendingInboundParts() override;
  Result<int64_t> UnmatchedReceipts() override;

  // CanaryStore (canaries.cc)
  void HaltCanary(CanaryHalt halt, AuditEntry audit, StatusCallback done) override;
  void ResumeCanary(std::string flag, AuditEntry audit, StatusCallback done) override;
  Result<std::vector<CanaryHalt>> ListCanaryHalts() override;

  const std::string& keyring_path() const { return keyring_path_; }

 protected:
  // A new read connection for the pool.
  using OpenReader = std::function<Result<std::unique_ptr<Connection>>()>;
  SqlStore(Clock& clock, std::unique_ptr<GroupCommitWriter> writer, std::unique_ptr<crypto::Cipher> cipher,
           std::string keyring_path, std::shared_ptr<SendAuditBuffer> send_audit, OpenReader open_reader,
           int64_t pending);

  // After an erasure's commit, on the writer's connection: removes what the database's
  // own log still holds of the erased values, if the backend can; true when it did.
  virtual bool ScrubLogAfterErase(Connection& /*writer_db*/) { return false; }
  // Drains and stops the writer: a subclass's destructor calls it first, so the last
  // jobs still find the whole store.
  void StopWriter() { writer_.reset(); }

  // A read connection borrowed from the pool for one call; returned on destruction.
  class Reader {
   public:
    Reader(SqlStore* store, std::unique_ptr<Connection> db)
        : store_(store), db_(std::move(db)) {}
    Reader(Reader&& other) noexcept : store_(other.store_), db_(std::move(other.db_)) {}
    ~Reader();
    Connection* operator->() { return db_.get(); }
    Connection& operator*() { return *db_; }

   private:
    SqlStore* store_;
    std::unique_ptr<Connection> db_;
  };
  Result<Reader> Borrow();
  Result<int64_t> CountWhere(std::string_view table, std::string_view where);
  Result<std::vector<std::string>> Ids(std::string_view sql, int64_t now_ms, int limit);
  // What a delivery-side batch does once durable: its effect on PendingCount, and its
  // events to the webhook listener.
  std::function<void(WriteEffects&&)> Durable();
  // Runs a synchronous write through the group-commit thread and waits for its commit.
  Status WriteAndWait(std::function<Status(Connection&)> apply);
  // One sealed column's share of ReencryptBatch: rows of data key `key` after its cursor.
  Result<int> ReencryptKey(const SealedColumn& column, uint32_t key, int limit);

  Clock& clock_;
  // Queued messages are also handed over to the delivering process (handover.h); set
  // before the store is shared.
  bool hand_over_ = false;
  std::atomic<int64_t> pending_{0};
  common::Mutex listener_mutex_;
  WebhookListener webhook_listener_ GUARDED_BY(listener_mutex_);
  common::Mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_ GUARDED_BY(readers_mutex_);
  // Before writer_: the writer's last jobs, run while it is destroyed, use the cipher.
  std::unique_ptr<crypto::Cipher> cipher_;
  const std::string keyring_path_;
  // Filled by insert jobs and written by the writer before each commit (writer thread).
  std::shared_ptr<SendAuditBuffer> send_audit_;
  std::unique_ptr<GroupCommitWriter> writer_;
  // Status changes and receipts, gathered into one job per commit.
  DeliveryJobs delivery_jobs_{Durable()};
  const OpenReader open_reader_;
  common::Mutex keys_mutex_;
  std::string keyring_stamp_ GUARDED_BY(keys_mutex_);  // the file's identity when loaded
  // The last rowid re-encrypted per (table, key); ReencryptBatch only (one caller).
  std::map<std::pair<std::string, uint32_t>, int64_t> reencrypt_cursor_;
};

}  // namespace deliverer::store::sql
