#pragma once
// The SQL store's side of encryption at rest (docs/reliability.md S9): opening the key
// ring against the database it must read.
#include <memory>
#include <string>
#include <string_view>

#include "crypto/cipher.h"
#include "store/sql/db.h"

namespace deliverer::store::sql {

// A column sealed with the data key ring (messages' and inbound bodies, accounts' webhook
// secrets): counted per key, checked at open and moved to the primary key by
// re-encryption. `id` is the column naming the row in the sealing context.
struct SealedColumn {
  std::string_view table;
  std::string_view id;
  std::string_view value;
  std::string_view key;  // the data key id that sealed `value`; 0 = stored in clear
  std::string (*context)(std::string_view id);
  bool payload_hash = false;  // messages: also key a payload hash stored raw
};

// Loads the key ring at `path`, creating it when missing and the database holds no
// sealed value yet. Refuses a ring that cannot open the newest sealed value (a lost key,
// or another installation's ring), so the store never starts writing under a ring that
// cannot read what is there.
Result<std::unique_ptr<crypto::Cipher>> OpenCipher(Connection& db, const std::string& path,
                                                   int64_t now_ms);
// Gives suppressions stored before number hashes existed their hash (one transaction;
// once, on the first open after migration 4).
Status BackfillNumberHashes(Connection& db, const crypto::Cipher& cipher);
// The file's identity (inode, size, modification time): changes when it is replaced.
std::string FileStamp(const std::string& path);

}  // namespace deliverer::store::sql
