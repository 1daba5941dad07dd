#pragma once
// Clang's thread-safety analysis (-Wthread-safety): these attributes say which mutex guards
// which member and which functions take, release or need it, and clang checks every access
// at compile time (`make check-thread-safety`). Other compilers see nothing.
//
// Usage, with common/mutex.h:
//   common::Mutex mutex_;
//   int count_ GUARDED_BY(mutex_) = 0;
//   void BumpLocked() REQUIRES(mutex_);
#if defined(__clang__)
#define DELIVERER_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define DELIVERER_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) DELIVERER_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY DELIVERER_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) DELIVERER_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) DELIVERER_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) DELIVERER_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) DELIVERER_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define REQUIRES(...) DELIVERER_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) DELIVERER_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) DELIVERER_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) DELIVERER_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) DELIVERER_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) DELIVERER_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) DELIVERER_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define EXCLUDES(...) DELIVERER_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) DELIVERER_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) DELIVERER_THREAD_ANNOTATION(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS DELIVERER_THREAD_ANNOTATION(no_thread_safety_analysis)
