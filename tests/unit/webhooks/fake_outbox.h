#pragma once
// An in-memory webhook outbox (store::OutboxStore, the only seam the Dispatcher uses) whose
// rows a test adds and inspects directly. Thread-safe: the dispatcher calls it from its
// own thread while the test reads it. Callbacks run inline, after the change.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "store/outbox_store.h"

namespace deliverer::webhooks::testing {

class FakeOutbox final : public store::OutboxStore {
 public:
  struct Row {
    store::WebhookJob job;
    int64_t next_at_ms = 0;
    enum class State { kPending, kDelivered, kGivenUp } state = State::kPending;
  };

  void Add(store::WebhookJob job, int64_t next_at_ms) {
    common::MutexLock lock(mutex_);
    const std::string id = job.event_id;
    rows_[id] = Row{std::move(job), next_at_ms};
  }
  // Adds the row, as Add, and hands its event to the listener as the store does once its
  // commit is durable. `readable` false: the outbox reads never return it, so it can only
  // go out from the hand-over.
  void AddAndHandOver(store::WebhookJob job, int64_t next_at_ms, bool readable) {
    WebhookListener listener;
    {
      common::MutexLock lock(mutex_);
      const std::string id = job.event_id;
      rows_[id] = Row{job, next_at_ms};
      if (!readable) unreadable_.insert(id);
      listener = listener_;
    }
    ASSERT_TRUE(listener) << "the dispatcher set no listener";
    listener({std::move(job)});
  }
  int reads() const {
    common::MutexLock lock(mutex_);
    return static_cast<int>(skipped_.size());
  }
  void SetWebhookListener(WebhookListener listener) override {
    common::MutexLock lock(mutex_);
    listener_ = std::move(listener);
  }
  Row Get(const std::string& event_id) const {
    common::MutexLock lock(mutex_);
    return rows_.at(event_id);
  }
  // Every outbox read's skip list, in order.
  std::vector<std::vector<std::string>> skipped() const {
    common::MutexLock lock(mutex_);
    return skipped_;
  }

  Result<std::vector<store::WebhookJob>> DueWebhooks(int64_t now_ms, int limit,
                                                     const std::vector<std::string>& skip_accounts) override {
    common::MutexLock lock(mutex_);
    skipped_.push_back(skip_accounts);
    std::vector<const Row*> due;
    for (const auto& [id, row] : rows_) {
      const bool skip = std::find(skip_accounts.begin(), skip_accounts.end(), row.job.account) != skip_accounts.end();
      if (row.state == Row::State::kPending && row.next_at_ms <= now_ms && !skip && !unreadable_.contains(id)) {
        due.push_back(&row);
      }
    }
    std::stable_sort(due.begin(), due.end(), [](const Row* a, const Row* b) { return a->next_at_ms < b->next_at_ms; });
    std::vector<store::WebhookJob> jobs;
    for (const Row* row : due) {
      if (static_cast<int>(jobs.size()) >= limit) break;
      jobs.push_back(row->job);
    }
    return jobs;
  }
  // The dispatcher never reads producers' SMPP receipts.
  Result<std::vector<store::ProducerReceiptJob>> DueProducerReceipts(const std::string&, int64_t, int) override {
    return std::vector<store::ProducerReceiptJob>();
  }
  Result<std::vector<store::ProducerInboundJob>> DueProducerInbound(const std::string&, int64_t, int) override {
    return std::vector<store::ProducerInboundJob>();
  }
  // While held, outcomes are kept unrecorded (the outbox still shows their events due, as
  // a store does until its commit) until ReleaseCompletions.
  void HoldCompletions() {
    common::MutexLock lock(mutex_);
    hold_ = true;
  }
  void ReleaseCompletions() {
    std::vector<std::pair<std::vector<store::WebhookDone>, store::StatusCallback>> held;
    {
      common::MutexLock lock(mutex_);
      hold_ = false;
      held.swap(held_);
    }
    for (auto& [done, callback] : held) CompleteWebhooks(std::move(done), std::move(callback));
  }
  size_t HeldOutcomes() const {
    common::MutexLock lock(mutex_);
    size_t count = 0;
    for (const auto& held : held_) count += held.first.size();
    return count;
  }

  // The next `count` writes of outcomes fail, recording nothing (a store that cannot write).
  void FailCompletions(int count) {
    common::MutexLock lock(mutex_);
    failing_completions_ = count;
  }

  void CompleteWebhooks(std::vector<store::WebhookDone> done, store::StatusCallback callback) override {
    {
      common::MutexLock lock(mutex_);
      if (hold_) {
        held_.emplace_back(std::move(done), std::move(callback));
        return;
      }
      if (failing_completions_ > 0) {
        --failing_completions_;
        lock.Unlock();
        callback(Error::Of("storage_unavailable", "not written"));
        return;
      }
    }
    {
      common::MutexLock lock(mutex_);
      for (const store::WebhookDone& d : done) {
        Row& row = rows_.at(d.event_id);
        ++row.job.attempts;
        if (d.delivered) {
          row.state = Row::State::kDelivered;
        } else if (d.next_at_ms == 0) {
          row.state = Row::State::kGivenUp;
        } else {
          row.next_at_ms = d.next_at_ms;
        }
      }
    }
    callback(Status::Ok());
  }
  Result<std::optional<std::string>> AccountWebhookSecret(const std::string&) override {
    return std::optional<std::string>();
  }
  Result<int64_t> PendingWebhooks() override {
    common::MutexLock lock(mutex_);
    return static_cast<int64_t>(std::count_if(rows_.begin(), rows_.end(), [](const auto& r) {
      return r.second.state == Row::State::kPending;
    }));
  }

 private:
  mutable common::Mutex mutex_;
  std::map<std::string, Row> rows_ GUARDED_BY(mutex_);
  std::vector<std::vector<std::string>> skipped_ GUARDED_BY(mutex_);
  std::set<std::string> unreadable_ GUARDED_BY(mutex_);
  WebhookListener listener_ GUARDED_BY(mutex_);
  bool hold_ GUARDED_BY(mutex_) = false;
  int failing_completions_ GUARDED_BY(mutex_) = 0;
  std::vector<std::pair<std::vector<store::WebhookDone>, store::StatusCallback>> held_ GUARDED_BY(mutex_);
};

}  // namespace deliverer::webhooks::testing
