#pragma once
// An in-memory store backend for tests: the seams the delivery engine and the webhook
// dispatcher use (messages, suppressions, audit, delivery, inbound, outbox, canary halts)
// and erasure,
// held in maps under one mutex. Not durable: it forgets everything when destroyed. Key
// and maintenance seams are SQLite's only (store/backend.h); so are bodies at rest, which
// this store keeps in clear.
//
// It keeps the seams' contract (store/seam.h) and passes the same conformance suite as
// SQLite (tests/unit/store/conformance/), which is what makes tests on it trustworthy:
// - Writes are queued and applied one after another, in submission order, on the store's
//   own thread; each is one "commit" (all of it or, on error, none), and its callback
//   runs on that thread after it, outside the lock, as a durable store's would. Callers
//   await callbacks as they would with SQLite; nothing depends on timing.
// - Reads run on the caller's thread under the lock and see every applied write.
// - The destructor runs every write already queued, with its callback, then stops.
// - What a change or receipt does to a message is model/lifecycle.h's decision.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "store/audit_log.h"
#include "store/canary_store.h"
#include "store/compliance_store.h"
#include "store/delivery_store.h"
#include "store/erasure_store.h"
#include "store/inbound_store.h"
#include "store/message_store.h"
#include "store/outbox_store.h"

namespace deliverer::store::memory {

struct MemoryState;  // memory_state.h

class MemoryStore final : public MessageStore,
                          public ComplianceStore,
                          public ErasureStore,
                          public AuditLog,
                          public DeliveryStore,
                          public InboundStore,
                          public OutboxStore,
                          public CanaryStore {
 public:
  MemoryStore();
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  // MessageStore
  void InsertMessages(std::vector<NewMessage> messages, InsertCallback done) override;
  void CancelMessage(CancelRequest request, CancelCallback done) override;
  Result<std::optional<MessageRecord>> GetMessage(const std::string& id, bool with_events) override;
  Result<MessagePage> ListMessages(const MessageQuery& query) override;
  int64_t PendingCount() const override { return pending_.load(std::memory_order_relaxed); }
  Status Ping() override { return Status::Ok(); }

  // ComplianceStore
  void PutSuppression(Suppression suppression, AuditEntry audit, StatusCallback done) override;
  void DeleteSuppression(std::string account, std::string number, AuditEntry audit,
                         StatusCallback done) override;
  Result<bool> IsSuppressed(const std::string& account, const std::string& number) override;
  Result<std::vector<Suppression>> ListSuppressions(const SuppressionQuery& query) override;

  // ErasureStore (memory_erase.cc). No log here keeps old copies: `log_truncated` is true.
  void EraseNumber(std::string number, AuditEntry audit,
                   std::function<void(Result<EraseResult>)> done) override;

  // AuditLog
  void AppendAudit(AuditEntry entry, StatusCallback done) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) override;

  // DeliveryStore
  Result<std::optional<DeliveryRecord>> GetForDelivery(const std::string& id) override;
  Result<std::vector<QueuedRef>> ListDueScheduled(int64_t now_ms, int limit) override;
  Result<std::vector<QueuedRef>> ListQueued(std::optional<std::pair<int64_t, std::string>> after,
                                            int limit) override;
  void TakeHandedOver(int limit, HandedOverCallback done) override;
  void RecordChanges(std::vector<StatusChange> changes, ChangesCallback done) override;
  void ApplyReceipts(std::vector<ReceiptIn> receipts, ReceiptsCallback done) override;
  Result<std::vector<std::string>> ListExpiredQueued(int64_t now_ms, int limit) override;
  Result<std::vector<std::string>> ListReceiptOverdue(int64_t now_ms, int limit) override;
  Result<int64_t> UnmatchedReceipts() override;

  // InboundStore
  void RecordInbound(InboundRecord inbound, InboundEffects effects, InboundCallback done) override;
  Result<std::string> LastSenderAccount(const std::string& subscriber,
                                        const std::string& sender) override;
  Result<std::vector<InboundRecord>> ListInbound(const InboundQuery& query) override;
  void KeepInboundPart(InboundPart part, int64_t max_pending, PartCallback done) override;
  Result<std::vector<std::vector<InboundPart>>> ExpiredInboundParts(int64_t before_ms, int max_sets,
                                                                  PartsOwner owner) override;
  Result<int64_t> PendingInboundParts() override;

  // OutboxStore. No account has a secret of its own here (that is KeyStore's).
  Result<std::vector<WebhookJob>> DueWebhooks(int64_t now_ms, int limit,
                                              const std::vector<std::string>& skip_accounts) override;
  Result<std::vector<ProducerReceiptJob>> DueProducerReceipts(const std::string& system_id, int64_t now_ms,
                                                              int limit) override;
  Result<std::vector<ProducerInboundJob>> DueProducerInbound(const std::string& account, int64_t now_ms,
                                                             int limit) override;
  void CompleteWebhooks(std::vector<WebhookDone> done, StatusCallback callback) override;
  Result<int64_t> PendingWebhooks() override;
  Result<std::optional<std::string>> AccountWebhookSecret(const std::string& account) override;

  // CanaryStore (memory_canaries.cc)
  void HaltCanary(CanaryHalt halt, AuditEntry audit, StatusCallback done) override;
  void ResumeCanary(std::string flag, AuditEntry audit, StatusCallback done) override;
  Result<std::vector<CanaryHalt>> ListCanaryHalts() override;

 private:
  using State = MemoryState;
  // A write: applied under the state lock on the store thread; returns what to run after
  // the commit (the caller's callback with its results).
  using Write = std::function<std::function<void()>(State&)>;
  void Submit(Write write);
  template <class In, class Out, class Apply, class Done>
  void SubmitBatch(std::vector<In> items, Apply apply, Done done);
  void RunWrites();

  mutable common::Mutex state_mutex_;
  const std::unique_ptr<State> state_ PT_GUARDED_BY(state_mutex_);
  std::atomic<int64_t> pending_{0};

  common::Mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Write> queue_ GUARDED_BY(queue_mutex_);
  bool stopping_ GUARDED_BY(queue_mutex_) = false;
  std::thread thread_;       // last: started once the rest exists
};

}  // namespace deliverer::store::memory
