#pragma once
// Write jobs shared by the SQL store's write paths (see writer.h for the contract).
#include <atomic>
#include <functional>
#include <vector>

#include "store/sql/delivery_writes.h"
#include "store/sql/writer.h"

namespace deliverer::store::sql {

// A job whose outcome is one Status, for the synchronous and single-row writes.
class StatusJob final : public WriteJob {
 public:
  StatusJob(std::function<Status(Connection&)> apply, std::function<void(Status)> done)
      : apply_(std::move(apply)), done_(std::move(done)) {}

  void Apply(Connection& db) override {
    if (auto s = db.Exec("SAVEPOINT job"); !s.ok()) {
      result_ = s;
      return;
    }
    result_ = apply_(db);
    if (!result_.ok()) (void)db.Exec("ROLLBACK TO job");
    (void)db.Exec("RELEASE job");
  }
  void Finish(const Status& commit) override { done_(commit.ok() ? result_ : commit); }

 private:
  std::function<Status(Connection&)> apply_;
  std::function<void(Status)> done_;
  Status result_;
};

// A job with one result value, applied in its own savepoint (rolled back on error).
template <class T>
class ValueJob final : public WriteJob {
 public:
  ValueJob(std::function<Result<T>(Connection&)> apply, std::function<void(Result<T>)> done)
      : apply_(std::move(apply)), done_(std::move(done)) {}

  void Apply(Connection& db) override {
    if (auto s = db.Exec("SAVEPOINT job"); !s.ok()) {
      result_ = s.error();
      return;
    }
    result_ = apply_(db);
    if (!result_.ok()) (void)db.Exec("ROLLBACK TO job");
    (void)db.Exec("RELEASE job");
  }
  void Finish(const Status& commit) override {
    if (!commit.ok()) result_ = commit.error();
    done_(std::move(result_));
  }

 private:
  std::function<Result<T>(Connection&)> apply_;
  std::function<void(Result<T>)> done_;
  Result<T> result_ = Error::Of("storage_error", "not applied");
};

// A job over many items, each in its own savepoint so one failure leaves the others.
// What an item's `apply` adds to its WriteEffects reaches `on_durable` only if the item
// succeeded and the commit is durable, just before `done`.
template <class Item, class Out>
class BatchJob final : public WriteJob {
 public:
  using ApplyOne = std::function<Result<Out>(Connection&, Item&, WriteEffects&)>;
  using Done = std::function<void(std::vector<Result<Out>>)>;
  using OnDurable = std::function<void(WriteEffects&&)>;

  BatchJob(std::vector<Item> items, ApplyOne apply, Done done, OnDurable on_durable)
      : items_(std::move(items)), apply_(std::move(apply)), done_(std::move(done)),
        on_durable_(std::move(on_durable)) {}

  void Apply(Connection& db) override {
    results_.reserve(items_.size());
    for (Item& item : items_) {
      if (auto s = db.Exec("SAVEPOINT item"); !s.ok()) {
        results_.emplace_back(s.error());
        continue;
      }
      WriteEffects effects;
      Result<Out> result = apply_(db, item, effects);
      if (result.ok()) {
        effects_.Merge(std::move(effects));
      } else {
        (void)db.Exec("ROLLBACK TO item");
      }
      (void)db.Exec("RELEASE item");
      results_.push_back(std::move(result));
    }
  }

  void Finish(const Status& commit) override {
    if (!commit.ok()) {
      // A batch whose BEGIN failed was never applied: every item still gets its answer.
      results_.resize(items_.size(), commit.error());
      for (auto& r : results_) r = commit.error();
    } else if (on_durable_) {
      on_durable_(std::move(effects_));
    }
    done_(std::move(results_));
  }

 private:
  std::vector<Item> items_;
  ApplyOne apply_;
  Done done_;
  OnDurable on_durable_;
  WriteEffects effects_;
  std::vector<Result<Out>> results_;
};

}  // namespace deliverer::store::sql
