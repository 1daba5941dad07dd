#include "store/sql/delivery_job.h"

#include <variant>

#include "store/sql/delivery_batch.h"

namespace deliverer::store::sql {

using Item = std::variant<StatusChange, ReceiptIn>;
using ItemResult = std::variant<Result<ChangeResult>, Result<ReceiptResult>>;

// The items of one job and the calls they came in, filled until the writer applies it.
struct DeliveryJobs::Inbox {
  struct Call {
    size_t first = 0;
    size_t count = 0;
    std::variant<DeliveryStore::ChangesCallback, DeliveryStore::ReceiptsCallback> done;
  };

  common::Mutex mutex;
  bool closed GUARDED_BY(mutex) = false;  // the writer took it: a new call starts a new job
  std::vector<Item> items GUARDED_BY(mutex);
  std::vector<Call> calls GUARDED_BY(mutex);
};

namespace {

class DeliveryJob final : public WriteJob {
 public:
  DeliveryJob(std::shared_ptr<DeliveryJobs::Inbox> inbox, std::function<void(WriteEffects&&)> on_durable)
      : inbox_(std::move(inbox)), on_durable_(std::move(on_durable)) {}

  void Apply(Connection& db) override {
    Close();
    if (ApplyTogether(db)) return;
    batch_.Clear();
    ApplyEach(db);
  }

  void Finish(const Status& commit) override {
    Close();  // a batch whose BEGIN failed had none of its jobs applied
    if (commit.ok()) {
      if (on_durable_) on_durable_(std::move(effects_));
    } else {
      // Nothing of it holds (its commit failed, or its BEGIN, before Apply): every item
      // still gets an answer, the error.
      results_.clear();
      for (const Item& item : items_) results_.push_back(FailedAs(item, commit.error()));
    }
    for (DeliveryJobs::Inbox::Call& call : calls_) {
      if (auto* done = std::get_if<DeliveryStore::ChangesCallback>(&call.done)) {
        (*done)(Slice<ChangeResult>(call));
      } else {
        std::get<DeliveryStore::ReceiptsCallback>(call.done)(Slice<ReceiptResult>(call));
      }
    }
  }

 private:
  // Takes the items: later calls go to a new job.
  void Close() {
    common::MutexLock lock(inbox_->mutex);
    if (inbox_->closed) return;
    inbox_->closed = true;
    items_ = std::move(inbox_->items);
    calls_ = std::move(inbox_->calls);
  }

  static ItemResult FailedAs(const Item& item, const Error& error) {
    if (std::holds_alternative<StatusChange>(item)) return Result<ChangeResult>(error);
    return Result<ReceiptResult>(error);
  }

  static bool Ok(const ItemResult& result) {
    return std::visit([](const auto& r) { return r.ok(); }, result);
  }

  ItemResult ApplyItem(Connection& db, DeliveryBatch* batch, const Item& item, WriteEffects& effects) {
    if (const auto* change = std::get_if<StatusChange>(&item)) return ApplyChange(db, batch, *change, effects);
    return ApplyReceipt(db, batch, std::get<ReceiptIn>(item), effects);
  }

  // What every item reads, read at once.
  Status Prefetch(Connection& db) {
    std::vector<std::string> ids;
    std::vector<CarrierKey> parked_keys;
    std::vector<CarrierKey> submit_keys;
    for (const Item& item : items_) {
      if (const auto* c = std::get_if<StatusChange>(&item)) {
        ids.push_back(c->message_id);
        for (const SegmentSubmit& segment : c->segments) {
          // The receipts that came first, and any older submit under the same id to release.
          parked_keys.emplace_back(c->carrier, segment.match_key);
          submit_keys.emplace_back(c->carrier, segment.match_key);
        }
      } else {
        const ReceiptIn& r = std::get<ReceiptIn>(item);
        submit_keys.emplace_back(r.carrier, r.match_key);
      }
    }
    if (Status s = batch_.LoadMessages(db, ids); !s.ok()) return s;
    if (Status s = batch_.LoadParked(db, parked_keys); !s.ok()) return s;
    return batch_.LoadSubmitters(db, submit_keys);
  }

  bool ApplyTogether(Connection& db) {
    if (!db.Exec("SAVEPOINT items").ok()) return false;
    std::vector<ItemResult> results;
    results.reserve(items_.size());
    WriteEffects effects;
    bool ok = Prefetch(db).ok();
    for (size_t i = 0; ok && i < items_.size(); ++i) {
      results.push_back(ApplyItem(db, &batch_, items_[i], effects));
      ok = Ok(results.back());
    }
    if (ok) ok = batch_.WriteWebhooks(db).ok();
    if (ok) ok = db.Flush().ok();
    if (!ok) {
      (void)db.Exec("ROLLBACK TO items");
      (void)db.Exec("RELEASE items");
      return false;
    }
    (void)db.Exec("RELEASE items");  // fails only with the transaction, and the commit then too
    results_ = std::move(results);
    effects_ = std::move(effects);
    return true;
  }

  void ApplyEach(Connection& db) {
    results_.clear();
    for (const Item& item : items_) {
      if (auto s = db.Exec("SAVEPOINT item"); !s.ok()) {
        results_.push_back(FailedAs(item, s.error()));
        continue;
      }
      WriteEffects effects;
      ItemResult result = ApplyItem(db, nullptr, item, effects);
      if (Ok(result)) {
        if (Status flushed = db.Flush(); !flushed.ok()) result = FailedAs(item, flushed.error());
      }
      if (Ok(result)) {
        effects_.Merge(std::move(effects));
      } else {
        (void)db.Exec("ROLLBACK TO item");
      }
      (void)db.Exec("RELEASE item");
      results_.push_back(std::move(result));
    }
  }

  template <class Out>
  std::vector<Result<Out>> Slice(const DeliveryJobs::Inbox::Call& call) {
    std::vector<Result<Out>> out;
    out.reserve(call.count);
    for (size_t i = call.first; i < call.first + call.count; ++i) {
      out.push_back(std::move(std::get<Result<Out>>(results_[i])));
    }
    return out;
  }

  std::shared_ptr<DeliveryJobs::Inbox> inbox_;
  std::function<void(WriteEffects&&)> on_durable_;
  std::vector<Item> items_;
  std::vector<DeliveryJobs::Inbox::Call> calls_;
  DeliveryBatch batch_;
  WriteEffects effects_;
  std::vector<ItemResult> results_;
};

}  // namespace

namespace {

// Adds a call's items to `inbox` unless the writer took it or they would overfill it (an
// empty one takes any number).
template <class In, class Done>
bool TryAdd(DeliveryJobs::Inbox& inbox, std::vector<In>& items, Done& done) {
  common::MutexLock lock(inbox.mutex);
  if (inbox.closed || (!inbox.items.empty() && inbox.items.size() + items.size() > DeliveryJobs::kMaxItems)) {
    return false;
  }
  inbox.calls.push_back(DeliveryJobs::Inbox::Call{inbox.items.size(), items.size(), std::move(done)});
  for (In& item : items) inbox.items.emplace_back(std::move(item));
  return true;
}

}  // namespace

template <class In, class Done>
void DeliveryJobs::Add(GroupCommitWriter& writer, std::vector<In> items, Done done) {
  common::MutexLock lock(mutex_);
  if (open_ != nullptr && TryAdd(*open_, items, done)) return;
  open_ = std::make_shared<Inbox>();
  TryAdd(*open_, items, done);
  // Under mutex_: jobs reach the writer in the order they were opened.
  writer.Submit(std::make_unique<DeliveryJob>(open_, on_durable_));
}

void DeliveryJobs::AddChanges(GroupCommitWriter& writer, std::vector<StatusChange> changes,
                              DeliveryStore::ChangesCallback done) {
  Add(writer, std::move(changes), std::move(done));
}

void DeliveryJobs::AddReceipts(GroupCommitWriter& writer, std::vector<ReceiptIn> receipts,
                               DeliveryStore::ReceiptsCallback done) {
  Add(writer, std::move(receipts), std::move(done));
}

}  // namespace deliverer::store::sql
