#pragma once
// Write jobs shared by the SQL store's write paths (see writer.h for the contract).
#include <functional>

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
    if (result_.ok()) result_ = db.Flush();  // a write sent ahead fails its job
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
    if (result_.ok()) {
      if (Status flushed = db.Flush(); !flushed.ok()) result_ = flushed.error();
    }
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

}  // namespace deliverer::store::sql
