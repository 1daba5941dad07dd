#pragma once
// std::mutex as clang's thread-safety analysis understands it (common/thread_annotations.h):
// libstdc++'s mutex and lock_guard carry no annotations, so members guarded by one could
// not be checked. Same cost as std::mutex.
//
//   common::Mutex mutex_;
//   std::deque<Job> queue_ GUARDED_BY(mutex_);
//   std::condition_variable wake_;
//   ...
//   common::MutexLock lock(mutex_);
//   wake_.wait(lock.native(), [this] { mutex_.AssertHeld(); return !queue_.empty(); });
//
// A condition variable's predicate is a lambda, which the analysis checks on its own and
// so without the caller's lock: AssertHeld() tells it what the wait guarantees.
#include <mutex>

#include "common/thread_annotations.h"

namespace deliverer::common {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }
  // Checks nothing at run time: for code the analysis cannot follow (see above).
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  friend class MutexLock;
  std::mutex mutex_;
};

// Holds `mutex` for its scope, like std::unique_lock; Unlock and Lock may let it go for a
// while within the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : lock_(mutex.mutex_) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() { lock_.unlock(); }
  void Lock() ACQUIRE() { lock_.lock(); }
  // For std::condition_variable, whose waits let the mutex go and take it back.
  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace deliverer::common
