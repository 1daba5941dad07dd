#include "unit/store/conformance/conformance.h"

#include <future>

#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/postgres_schema.h"
#include "support/services.h"
#include "support/test_dir.h"

namespace deliverer::store::conformance {
namespace {

class OpenSqlite final : public OpenBackend {
 public:
  explicit OpenSqlite(std::unique_ptr<sqlite::SqliteStore> store) : store_(std::move(store)) {}
  Seams seams() override {
    sqlite::SqliteStore& s = *store_;
    return Seams{&s, &s, &s, &s, &s, &s, &s, &s, &s};
  }

 private:
  std::unique_ptr<sqlite::SqliteStore> store_;
};

class OpenPostgres final : public OpenBackend {
 public:
  explicit OpenPostgres(std::unique_ptr<postgres::PostgresStore> store) : store_(std::move(store)) {}
  Seams seams() override {
    postgres::PostgresStore& s = *store_;
    return Seams{&s, &s, &s, &s, &s, &s, &s, &s, &s};
  }

 private:
  std::unique_ptr<postgres::PostgresStore> store_;
};

class OpenMemory final : public OpenBackend {
 public:
  Seams seams() override {
    return Seams{&store_, &store_, &store_, &store_, &store_, &store_,
                 /*maintenance=*/nullptr, &store_, &store_};
  }

 private:
  memory::MemoryStore store_;
};

std::vector<Backend> Backends() {
  return {
      Backend{"sqlite",
              {Concern::kMessages, Concern::kSuppressions, Concern::kAudit, Concern::kDelivery,
               Concern::kInbound, Concern::kOutbox, Concern::kMaintenance, Concern::kErasure,
               Concern::kCanaries},
              [](const std::filesystem::path& dir, Clock& clock) -> std::unique_ptr<OpenBackend> {
                auto store = sqlite::SqliteStore::Open(sqlite::SqliteOptions{dir.string()}, clock);
                EXPECT_TRUE(store.ok()) << store.error().detail;
                if (!store.ok()) return nullptr;
                return std::make_unique<OpenSqlite>(std::move(*store));
              }},
      // A schema of its own in the test server's database for each test (tests/support/).
      Backend{"postgres",
              {Concern::kMessages, Concern::kSuppressions, Concern::kAudit, Concern::kDelivery,
               Concern::kInbound, Concern::kOutbox, Concern::kMaintenance, Concern::kErasure,
               Concern::kCanaries},
              [](const std::filesystem::path& dir, Clock& clock) -> std::unique_ptr<OpenBackend> {
                postgres::PostgresOptions options{::deliverer::test_support::FreshSchemaUrl(
                                                      ::deliverer::test_support::ServiceUrl("postgres")),
                                                  (dir / "keyring").string()};
                auto store = postgres::PostgresStore::Open(options, clock);
                EXPECT_TRUE(store.ok()) << store.error().detail;
                if (!store.ok()) return nullptr;
                return std::make_unique<OpenPostgres>(std::move(*store));
              }},
      Backend{"memory",
              {Concern::kMessages, Concern::kSuppressions, Concern::kAudit, Concern::kDelivery,
               Concern::kInbound, Concern::kOutbox, Concern::kErasure, Concern::kCanaries},
              [](const std::filesystem::path&, Clock&) -> std::unique_ptr<OpenBackend> {
                return std::make_unique<OpenMemory>();
              }},
  };
}

template <class T>
T Await(const std::function<void(std::function<void(T)>)>& start) {
  std::promise<T> done;
  start([&done](T value) { done.set_value(std::move(value)); });
  return done.get_future().get();
}

}  // namespace

std::vector<Backend> BackendsWith(Concern concern) {
  std::vector<Backend> out;
  for (Backend& b : Backends()) {
    if (b.concerns.contains(concern)) out.push_back(std::move(b));
  }
  return out;
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

void ConformanceTest::SetUp() {
  dir_ = test_support::FreshTestDir("conformance-" + GetParam().name);
  backend_ = GetParam().open(dir_, clock_);
  ASSERT_NE(backend_, nullptr);
  seams_ = backend_->seams();
}

void ConformanceTest::TearDown() {
  backend_.reset();
  std::filesystem::remove_all(dir_);
}

NewMessage ConformanceTest::Message(const std::string& id, const std::string& to, const std::string& body) {
  NewMessage m;
  m.id = id;
  m.account = "acme";
  m.from = "Deliverer";
  m.to = to;
  m.to_region = "GB";
  m.body = body;
  m.payload_hash = "h" + id;
  m.created_at_ms = clock_.NowUnixMillis();
  return m;
}

std::vector<Result<InsertResult>> ConformanceTest::InsertAll(std::vector<NewMessage> batch) {
  return Await<std::vector<Result<InsertResult>>>(
      [&](auto done) { messages().InsertMessages(std::move(batch), std::move(done)); });
}

Result<InsertResult> ConformanceTest::Insert(NewMessage m) { return std::move(InsertAll({std::move(m)})[0]); }

void ConformanceTest::Queue(const std::string& id, int segments, std::string callback) {
  NewMessage m = Message(id);
  m.segments = segments;
  m.callback_url = std::move(callback);
  auto inserted = Insert(std::move(m));
  ASSERT_TRUE(inserted.ok() && inserted->outcome == InsertOutcome::kCreated) << id;
}

Result<CancelResult> ConformanceTest::Cancel(const std::string& id, std::optional<std::string> account) {
  CancelRequest request{id, std::move(account), "k1", "192.0.2.7", clock_.NowUnixMillis()};
  return Await<Result<CancelResult>>(
      [&](auto done) { messages().CancelMessage(std::move(request), std::move(done)); });
}

std::vector<Result<ChangeResult>> ConformanceTest::Change(std::vector<StatusChange> changes) {
  return Await<std::vector<Result<ChangeResult>>>(
      [&](auto done) { delivery().RecordChanges(std::move(changes), std::move(done)); });
}

ChangeResult ConformanceTest::ChangeOne(StatusChange change) {
  auto results = Change({std::move(change)});
  EXPECT_TRUE(results[0].ok());
  return results[0].ok() ? *results[0] : ChangeResult{};
}

StatusChange ConformanceTest::Sent(const std::string& id, std::vector<std::string> keys, int attempts) {
  StatusChange c{.message_id = id, .status = MsgStatus::kSent, .at_ms = 1500, .carrier = "sim-a",
                 .attempts = attempts, .receipt_due_ms = 100'000};
  for (size_t i = 0; i < keys.size(); ++i) c.segments.push_back(SegmentSubmit{static_cast<int>(i), keys[i], keys[i]});
  return c;
}

ReceiptResult ConformanceTest::Receipt(const std::string& key, MsgStatus status, std::string code, int64_t at_ms) {
  auto results = Await<std::vector<Result<ReceiptResult>>>([&](auto done) {
    delivery().ApplyReceipts({ReceiptIn{"sim-a", key, key, status, std::move(code), at_ms}}, std::move(done));
  });
  EXPECT_TRUE(results[0].ok());
  return results[0].ok() ? *results[0] : ReceiptResult{};
}

Status ConformanceTest::Put(Suppression s, AuditEntry entry) {
  return Await<Status>([&](auto done) { suppressions().PutSuppression(std::move(s), std::move(entry), std::move(done)); });
}

Status ConformanceTest::Delete(const std::string& account, const std::string& number, AuditEntry entry) {
  return Await<Status>(
      [&](auto done) { suppressions().DeleteSuppression(account, number, std::move(entry), std::move(done)); });
}

Status ConformanceTest::Append(AuditEntry entry) {
  return Await<Status>([&](auto done) { audit().AppendAudit(std::move(entry), std::move(done)); });
}

Result<InboundOutcome> ConformanceTest::Inbound(InboundRecord mo, InboundEffects effects) {
  return Await<Result<InboundOutcome>>(
      [&](auto done) { inbound().RecordInbound(std::move(mo), std::move(effects), std::move(done)); });
}

Result<InboundPartsHeld> ConformanceTest::KeepPart(InboundPart part, int64_t max_pending) {
  return Await<Result<InboundPartsHeld>>([&](auto done) {
    inbound().KeepInboundPart(std::move(part), max_pending, std::move(done));
  });
}

Status ConformanceTest::Complete(std::vector<WebhookDone> done_rows) {
  return Await<Status>([&](auto done) { outbox().CompleteWebhooks(std::move(done_rows), std::move(done)); });
}

Result<EraseResult> ConformanceTest::Erase(const std::string& number, AuditEntry entry) {
  return Await<Result<EraseResult>>(
      [&](auto done) { erasure().EraseNumber(number, std::move(entry), std::move(done)); });
}

Status ConformanceTest::HaltCanary(CanaryHalt halt, AuditEntry audit) {
  return Await<Status>(
      [&](auto done) { canaries().HaltCanary(std::move(halt), std::move(audit), std::move(done)); });
}

Status ConformanceTest::ResumeCanary(const std::string& flag, AuditEntry audit) {
  return Await<Status>([&](auto done) { canaries().ResumeCanary(flag, std::move(audit), std::move(done)); });
}

MessageRecord ConformanceTest::Record(const std::string& id) {
  auto m = messages().GetMessage(id, /*with_events=*/true);
  EXPECT_TRUE(m.ok() && m->has_value()) << id;
  return (m.ok() && m->has_value()) ? **m : MessageRecord{};
}

std::vector<MsgStatus> ConformanceTest::EventsOf(const std::string& id) {
  std::vector<MsgStatus> out;
  for (const MessageEvent& e : Record(id).events) out.push_back(e.status);
  return out;
}

}  // namespace deliverer::store::conformance
