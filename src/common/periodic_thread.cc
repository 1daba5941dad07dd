#include "common/periodic_thread.h"

#include "common/thread_name.h"

namespace deliverer::common {

void PeriodicThread::Start(std::string name, Job job) {
  thread_ = std::thread([this, name = std::move(name), job = std::move(job)] {
    NameThisThread(name);
    Run(job);
  });
}

void PeriodicThread::Stop() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicThread::Run(const Job& job) {
  MutexLock lock(mutex_);
  while (!stopping_) {
    lock.Unlock();
    const std::chrono::milliseconds pause = job();
    lock.Lock();
    wake_.wait_for(lock.native(), pause, [this] {
      mutex_.AssertHeld();
      return stopping_;
    });
  }
}

}  // namespace deliverer::common
