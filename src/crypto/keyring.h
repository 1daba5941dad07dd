#pragma once
// The key ring behind encryption at rest (docs/reliability.md S9): several data keys, each
// with a numeric id, one of them primary (new values are sealed with it; the others only
// open what they sealed before), and one index key for keyed hashes of values that must
// stay matchable without being stored in clear (numbers, idempotency payloads).
//
// The file is text, one entry a line (docs/runbooks/key-rotation.md):
//   deliverer-keyring v1
//   index <base64 of 32 bytes>
//   data <id> <created unix ms> <base64 of 32 bytes> [primary]
// It is written atomically (a temporary file, fsync, rename) with mode 0600, and refused
// when group or others have any access to it.
//
// Ids only grow: a new key takes the highest id ever seen plus one, so the primary is
// always the highest id and "sealed with an older key" is `key id < primary`.
// The index key never changes: hashes made with it must match for ever.
//
// Value types and file functions; no shared state. Not for logging: secrets inside.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace deliverer::crypto {

inline constexpr size_t kKeyBytes = 32;
using Secret = std::array<unsigned char, kKeyBytes>;

struct DataKey {
  uint32_t id = 0;  // ≥ 1; 0 means "no key" (a value stored before encryption)
  int64_t created_at_ms = 0;
  Secret secret{};
};

struct KeyRing {
  std::vector<DataKey> data_keys;  // ascending ids
  uint32_t primary = 0;
  Secret index_key{};

  const DataKey* Find(uint32_t id) const;
};

// A fresh ring: a random index key and data key 1 as primary.
KeyRing NewKeyRing(int64_t now_ms);
// Adds a random key with the next id and makes it primary; returns its id.
uint32_t AddDataKey(KeyRing& ring, int64_t now_ms);
// Removes a non-primary key. Errors: "not_found", "key_in_use" (the primary).
// Whether rows still use it is the caller's check (the store knows).
Status RemoveDataKey(KeyRing& ring, uint32_t id);

std::string FormatKeyRing(const KeyRing& ring);
// Errors: "invalid_keyring" with the line number and what is wrong (never a secret).
Result<KeyRing> ParseKeyRing(std::string_view text);

// Reads and parses `path`. Errors: "not_found" when the file does not exist,
// "insecure_keyring" when group or others may access it, "invalid_keyring", "io_error".
Result<KeyRing> LoadKeyRing(const std::string& path);
// Writes `ring` to `path` atomically with mode 0600, replacing any file there.
Status SaveKeyRing(const std::string& path, const KeyRing& ring);
// Loads `path`; when it does not exist and `may_create`, writes a new ring there (unless
// another process created it first: then that one is loaded). Never replaces a file.
Result<KeyRing> LoadOrCreateKeyRing(const std::string& path, bool may_create, int64_t now_ms);

}  // namespace deliverer::crypto
