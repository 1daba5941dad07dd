#include "unit/smpp/alloc_probe.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace deliverer::smpp::testing {
namespace {
std::atomic<size_t> largest{0};
}  // namespace

void ResetLargestAllocation() { largest.store(0); }
size_t LargestAllocation() { return largest.load(); }

}  // namespace deliverer::smpp::testing

// The replaceable forms that the others (array, nothrow) forward to by default.
void* operator new(size_t size) {
  size_t seen = deliverer::smpp::testing::largest.load(std::memory_order_relaxed);
  while (size > seen && !deliverer::smpp::testing::largest.compare_exchange_weak(seen, size)) {
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
