#pragma once
// The SQLite store's side of encryption at rest (reliability.md S9): opening the key
// ring against the database it must read.
#include <memory>
#include <string>

#include "crypto/cipher.h"
#include "store/sqlite/db.h"

namespace deliverer::store::sqlite {

// Loads the key ring at `path`, creating it when missing and the database holds no
// sealed body yet. Refuses a ring that cannot open the newest sealed body (a lost key,
// or another installation's ring), so the store never starts writing under a ring that
// cannot read what is there.
Result<std::unique_ptr<crypto::Cipher>> OpenCipher(Connection& db, const std::string& path,
                                                   int64_t now_ms);
// Gives suppressions stored before number hashes existed their hash (one transaction;
// once, on the first open after migration 4).
Status BackfillNumberHashes(Connection& db, const crypto::Cipher& cipher);
// The file's identity (inode, size, modification time): changes when it is replaced.
std::string FileStamp(const std::string& path);

}  // namespace deliverer::store::sqlite
