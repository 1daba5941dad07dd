#pragma once
// The delivery side's writes, status changes and receipts, gathered into one write job
// per commit. The engine records each change and each receipt as it happens, one call
// each; every call made while a job waits for the writer adds to that job. The job then
// reads what all its items need in a few statements (delivery_batch.h) and applies them
// in the order they were added, their writes pipelined (db.h Statement::Send) under one
// savepoint and answered once. On PostgreSQL that is a handful of round trips per commit
// instead of several per item.
//
// Should anything of it fail, the savepoint is rolled back and the items are applied
// again one by one, each in a savepoint of its own, so that a failure is one item's and
// the others are kept, as when each call was a job of its own.
//
// Items join a job already queued, ahead of writes submitted after it (an insert, a
// cancel): those touch other messages, or race with the delivery anyway, and the
// lifecycle's rules decide such races the same whichever comes first.
//
//   DeliveryJobs jobs(store.Durable());
//   jobs.AddChanges(writer, std::move(changes), std::move(done));  // any thread
#include <memory>
#include <vector>

#include "common/mutex.h"
#include "store/delivery_store.h"
#include "store/sql/delivery_writes.h"
#include "store/sql/writer.h"

namespace deliverer::store::sql {

class DeliveryJobs {
 public:
  // Items whose job committed, together: their effects, before their callbacks.
  explicit DeliveryJobs(std::function<void(WriteEffects&&)> on_durable) : on_durable_(std::move(on_durable)) {}

  void AddChanges(GroupCommitWriter& writer, std::vector<StatusChange> changes,
                  DeliveryStore::ChangesCallback done);
  void AddReceipts(GroupCommitWriter& writer, std::vector<ReceiptIn> receipts,
                   DeliveryStore::ReceiptsCallback done);

  // What one job holds at most: past it, calls start the next job.
  static constexpr size_t kMaxItems = 2048;

  struct Inbox;  // delivery_job.cc

 private:
  template <class In, class Done>
  void Add(GroupCommitWriter& writer, std::vector<In> items, Done done);

  const std::function<void(WriteEffects&&)> on_durable_;
  common::Mutex mutex_;
  std::shared_ptr<Inbox> open_ GUARDED_BY(mutex_);  // the job not yet applied, if any
};

}  // namespace deliverer::store::sql
