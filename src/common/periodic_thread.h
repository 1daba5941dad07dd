#pragma once
// A thread that runs one job now and then until it is stopped: the shape of the gateway's
// background jobs (retention, data keys, the dashboard's sampler). The job runs at once,
// then again after the pause it returns; Stop() cuts a pause short and joins.
//
//   common::PeriodicThread thread_;
//   thread_.Start("retention", [this] { PurgeOnce(); return std::chrono::hours(1); });
//   …
//   thread_.Stop();  // also the destructor
//
// Start and Stop from one thread, Start at most once; the job runs on the new thread only.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <string>
#include <thread>

#include "common/mutex.h"

namespace deliverer::common {

class PeriodicThread {
 public:
  using Job = std::function<std::chrono::milliseconds()>;

  PeriodicThread() = default;
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;
  ~PeriodicThread() { Stop(); }

  void Start(std::string name, Job job);
  void Stop();
  // True once Stop was called: a long job checks it between its steps. Thread-safe.
  bool stopping() const {
    MutexLock lock(mutex_);
    return stopping_;
  }

 private:
  void Run(const Job& job);

  mutable Mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace deliverer::common
