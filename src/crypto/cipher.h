#pragma once
// Sealing values at rest (docs/reliability.md S9) with XChaCha20-Poly1305 (IETF, libsodium).
//
// A sealed value is
//   [0xF5 version][key id, 4 bytes big-endian][nonce, 24 random bytes][ciphertext + 16-byte tag]
// and its additional data is the 5 header bytes plus a caller-given context naming the
// row (e.g. "messages.body/<message id>"), so a value copied into another row, or with
// its key id changed, fails to open. The version byte 0xF5 never starts UTF-8 text, so
// sealed values and plain texts written before encryption existed cannot be confused;
// Open refuses anything but a sealed value, and the caller, who knows a row is from
// before (the store's body_key 0), reads such a value as it is.
//
// Usage:
//   crypto::Cipher cipher(std::move(ring));
//   std::string stored = cipher.Seal(body, "messages.body/" + id);
//   Result<std::string> body = cipher.Open(stored, "messages.body/" + id);
//
// Thread-safe: every member may be called from any thread; Update swaps the ring
// under a lock while others seal and open.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "crypto/keyring.h"

namespace deliverer::crypto {

inline constexpr unsigned char kSealedV1 = 0xF5;

// The key id of a sealed value; 0 for anything else. Does not verify anything.
uint32_t SealedKeyId(std::string_view stored);

class Cipher {
 public:
  explicit Cipher(KeyRing ring);

  // Takes `ring`'s primary and adds its keys not known yet. Keys this Cipher knew and
  // `ring` lacks stay known, so values a running process sealed just before a key was
  // retired elsewhere can still be opened (and moved to the primary).
  void Update(const KeyRing& ring);

  uint32_t PrimaryKeyId() const;
  // Every data key id this Cipher can open, ascending.
  std::vector<uint32_t> KeyIds() const;
  // Seals with the primary key and a fresh random nonce.
  std::string Seal(std::string_view plaintext, std::string_view context) const;
  // Errors: "unknown_data_key" (the id names no key this Cipher knows),
  // "decrypt_failed" (not sealed, tampered, truncated, another row's value, wrong key).
  Result<std::string> Open(std::string_view stored, std::string_view context) const;
  // BLAKE2b-256 keyed with the index key, as 64 lower-case hex digits: equal inputs give
  // equal outputs for the life of the ring; without the ring it reveals nothing.
  std::string KeyedHash(std::string_view value) const;
  // The same hash as its 32 bytes.
  std::array<unsigned char, 32> KeyedDigest(std::string_view value) const;

 private:
  std::shared_ptr<const KeyRing> Snapshot() const;

  // A plain mutex, not a shared one: it is held only to copy the pointer.
  mutable common::Mutex mutex_;
  std::shared_ptr<const KeyRing> ring_ GUARDED_BY(mutex_);  // never null
};

}  // namespace deliverer::crypto
