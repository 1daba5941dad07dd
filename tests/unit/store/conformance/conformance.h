#pragma once
// The backend conformance suite: one set of tests every store backend must pass unchanged
// (store/backend.h). Each file covers one concern; a backend runs the concerns it
// implements (BackendsWith): SQLite runs all of them, the in-memory store all but
// maintenance (messages, suppressions and audit, delivery with retries and receipts,
// inbound, outbox, erasure and canary halts). A new backend adds one entry to Backends() (conformance.cc).
//
// Writes are awaited through their callbacks, as a consumer would; nothing sleeps.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/audit_log.h"
#include "store/canary_store.h"
#include "store/compliance_store.h"
#include "store/delivery_store.h"
#include "store/erasure_store.h"
#include "store/inbound_store.h"
#include "store/maintenance_store.h"
#include "store/message_store.h"
#include "store/outbox_store.h"

namespace deliverer::store::conformance {

enum class Concern {
  kMessages, kSuppressions, kAudit, kDelivery, kInbound, kOutbox, kMaintenance, kErasure, kCanaries
};

// The seams of one open backend; null where it does not implement one.
struct Seams {
  MessageStore* messages = nullptr;
  ComplianceStore* suppressions = nullptr;
  AuditLog* audit = nullptr;
  DeliveryStore* delivery = nullptr;
  InboundStore* inbound = nullptr;
  OutboxStore* outbox = nullptr;
  MaintenanceStore* maintenance = nullptr;
  ErasureStore* erasure = nullptr;
  CanaryStore* canaries = nullptr;
};

// An open backend, closed when destroyed (its pending writes and callbacks done).
class OpenBackend {
 public:
  virtual ~OpenBackend() = default;
  virtual Seams seams() = 0;
};

struct Backend {
  std::string name;
  // kMessages always: every concern's tests store messages. kErasure reaches every kind of
  // row, so its tests read them through every seam but maintenance.
  std::set<Concern> concerns;
  // A fresh, empty backend keeping its files (if any) in `dir`.
  std::function<std::unique_ptr<OpenBackend>(const std::filesystem::path& dir, Clock& clock)> open;
};

// How gtest names a backend in its output.
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

std::vector<Backend> BackendsWith(Concern concern);
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

#define DELIVERER_CONFORMANCE_SUITE(Suite, concern)                                                  \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(BackendsWith(concern)), BackendName)

using MsgStatus = model::Status;

class ConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  MessageStore& messages() { return *seams_.messages; }
  ComplianceStore& suppressions() { return *seams_.suppressions; }
  AuditLog& audit() { return *seams_.audit; }
  DeliveryStore& delivery() { return *seams_.delivery; }
  InboundStore& inbound() { return *seams_.inbound; }
  OutboxStore& outbox() { return *seams_.outbox; }
  MaintenanceStore& maintenance() { return *seams_.maintenance; }
  ErasureStore& erasure() { return *seams_.erasure; }
  CanaryStore& canaries() { return *seams_.canaries; }

  // A message from "Deliverer" for acme, created now; callers change what they need.
  NewMessage Message(const std::string& id, const std::string& to = "+447911123456",
                     const std::string& body = "hello");
  Result<InsertResult> Insert(NewMessage m);
  std::vector<Result<InsertResult>> InsertAll(std::vector<NewMessage> batch);
  // Stores a message of `segments` to +447911123456, with a callback when given.
  void Queue(const std::string& id, int segments = 1, std::string callback = "");

  // Cancels `id` as acme's key k1 would (account nullopt: as an admin).
  Result<CancelResult> Cancel(const std::string& id, std::optional<std::string> account = "acme");

  std::vector<Result<ChangeResult>> Change(std::vector<StatusChange> changes);
  ChangeResult ChangeOne(StatusChange change);
  // Every segment accepted by carrier sim-a, segment i under the carrier id keys[i].
  static StatusChange Sent(const std::string& id, std::vector<std::string> keys, int attempts = 1);
  ReceiptResult Receipt(const std::string& key, MsgStatus status, std::string code = "DELIVRD/000",
                        int64_t at_ms = 2000);

  Status Put(Suppression s, AuditEntry audit = {});
  Status Delete(const std::string& account, const std::string& number, AuditEntry audit = {});
  Status Append(AuditEntry entry);
  Result<InboundOutcome> Inbound(InboundRecord mo, InboundEffects effects = {});
  Result<InboundPartsHeld> KeepPart(InboundPart part, int64_t max_pending);
  Status Complete(std::vector<WebhookDone> done);
  Result<EraseResult> Erase(const std::string& number, AuditEntry audit = {});
  Status HaltCanary(CanaryHalt halt, AuditEntry audit = {});
  Status ResumeCanary(const std::string& flag, AuditEntry audit = {});

  MessageRecord Record(const std::string& id);  // with events
  MsgStatus StatusOf(const std::string& id) { return Record(id).status; }
  std::vector<MsgStatus> EventsOf(const std::string& id);

  FakeClock clock_;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<OpenBackend> backend_;
  Seams seams_;
};

}  // namespace deliverer::store::conformance
