#include "common/random_bytes.h"

#include <pthread.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>

namespace deliverer {
namespace {

constexpr size_t kBlockBytes = 4096;
// Larger requests gain nothing from the block: they go straight to the kernel.
constexpr size_t kDirectAbove = 256;

// Bumped in a forked child: every block filled before the fork is then stale.
std::atomic<uint64_t> fork_generation{0};

void ForgetBlocksInChild() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

struct Block {
  std::array<uint8_t, kBlockBytes> bytes{};
  size_t used = kBlockBytes;  // empty until first use
  uint64_t generation = 0;
};

}  // namespace

void FillRandom(void* out, size_t n) {
  static const bool registered = pthread_atfork(nullptr, nullptr, ForgetBlocksInChild) == 0;
  thread_local Block block;
  if (n > kDirectAbove || !registered) {
    randombytes_buf(out, n);
    return;
  }
  const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (block.used + n > kBlockBytes || block.generation != generation) {
    randombytes_buf(block.bytes.data(), block.bytes.size());
    block.used = 0;
    block.generation = generation;
  }
  uint8_t* from = block.bytes.data() + block.used;
  std::memcpy(out, from, n);
  sodium_memzero(from, n);  // handed out: no second copy stays behind in the block
  block.used += n;
}

}  // namespace deliverer
