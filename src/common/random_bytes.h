#pragma once
// Random bytes for ids and nonces, from the kernel's CSPRNG (libsodium's randombytes_buf)
// drawn 4 KiB at a time, which libsodium reads in 256-byte getrandom calls: about one
// system call per three messages instead of five per message (its id, its body's nonce,
// its request id, its webhooks' event ids).
//
// Each byte is handed out once and the block is the calling thread's own, so there is no
// lock and no byte serves twice. A process forked from this one starts with a fresh block:
// it must not hand out the bytes its parent will.
//
//   uint8_t nonce[24];
//   FillRandom(nonce, sizeof nonce);
//
// Long-lived secrets (data keys, API keys) take randombytes_buf directly: they are rare,
// and no copy of them should sit in a buffer. EnsureCryptoReady (common/ids.h) must have
// run first.
#include <cstddef>

namespace deliverer {

void FillRandom(void* out, size_t n);

}  // namespace deliverer
