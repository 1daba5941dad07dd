// SqlStore: bodies at rest (docs/reliability.md S9): the key ring against the database,
// rows per data key, reloading the ring and moving bodies to the primary key.
#include <fmt/format.h>
#include <sys/stat.h>

#include "store/sql/data_keys.h"
#include "store/sql/jobs.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

constexpr SealedColumn kSealedColumns[] = {
    {"messages", "id", "body", "body_key", &MessageBodyContext, true},
    {"inbound", "id", "body", "body_key", &InboundBodyContext, false},
    {"account_webhook_secrets", "account", "secret", "secret_key", &WebhookSecretContext, false},
};

// The newest sealed value of `column` and its context, if any.
struct Sample {
  std::string stored;
  int64_t key = 0;
  std::string context;
};

Result<std::optional<Sample>> NewestSealed(Connection& db, const SealedColumn& column) {
  auto stmt = db.Prepare(fmt::format(
      "SELECT {1}, {2}, {3} FROM {0} WHERE {3} = (SELECT max({3}) FROM {0}) AND {3} > 0 LIMIT 1",
      column.table, column.id, column.value, column.key));
  if (!stmt.ok()) return stmt.take_error();
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<Sample>();
  return std::optional<Sample>(Sample{stmt->Text(1), stmt->Int(2), column.context(stmt->Text(0))});
}

Status CheckOpens(Connection& db, const crypto::Cipher& cipher, const std::string& path) {
  for (const SealedColumn& column : kSealedColumns) {
    auto sample = NewestSealed(db, column);
    if (!sample.ok()) return sample.take_error();
    if (!*sample) continue;
    if (auto opened = cipher.Open((*sample)->stored, (*sample)->context); !opened.ok()) {
      return Error::Of("keyring_mismatch",
                       fmt::format("the key ring {} cannot open the stored {} ({}); restore "
                                   "the ring this database was written with "
                                   "(docs/runbooks/key-rotation.md)",
                                   path, column.table, opened.error().detail));
    }
  }
  return Status::Ok();
}

Result<bool> HoldsSealedValues(Connection& db) {
  for (const SealedColumn& column : kSealedColumns) {
    auto stmt = db.Prepare(
        fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE {} > 0)", column.table, column.key));
    if (!stmt.ok()) return stmt.take_error();
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (stmt->Int(0) != 0) return true;
  }
  return false;
}

// A body read for re-encryption, and what replaces it.
struct Resealed {
  int64_t rowid = 0;
  std::string id;
  std::string body;
  std::optional<std::string> payload_hash;  // messages only: keyed when it was raw
};

}  // namespace

std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return fmt::format("{}:{}:{}.{}", st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

Result<std::unique_ptr<crypto::Cipher>> OpenCipher(Connection& db, const std::string& path,
                                                   int64_t now_ms) {
  auto sealed = HoldsSealedValues(db);
  if (!sealed.ok()) return sealed.take_error();
  auto ring = crypto::LoadOrCreateKeyRing(path, /*may_create=*/!*sealed, now_ms);
  if (!ring.ok()) {
    if (ring.error().code != "not_found") return ring.take_error();
    return Error::Of("keyring_missing",
                     fmt::format("the key ring {} is missing but the database holds encrypted "
                                 "values; restore it (docs/runbooks/key-rotation.md)",
                                 path));
  }
  auto cipher = std::make_unique<crypto::Cipher>(std::move(*ring));
  if (Status s = CheckOpens(db, *cipher, path); !s.ok()) return s.error();
  return cipher;
}

Status BackfillNumberHashes(Connection& db, const crypto::Cipher& cipher) {
  std::vector<std::pair<int64_t, std::string>> rows;
  {
    auto stmt = db.Prepare("SELECT rowid, number FROM suppressions WHERE number_hash IS NULL");
    if (!stmt.ok()) return stmt.take_error();
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.take_error();
      if (!*row) break;
      rows.emplace_back(stmt->Int(0), stmt->Text(1));
    }
  }
  if (rows.empty()) return Status::Ok();
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  for (const auto& [rowid, number] : rows) {
    auto stmt = db.Prepare("UPDATE suppressions SET number_hash = ? WHERE rowid = ?");
    Status s = stmt.ok() ? stmt->Bind(1, NumberHash(cipher, number)).Bind(2, rowid).Run()
                         : Status(stmt.take_error());
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s;
    }
  }
  return db.Exec("COMMIT");
}

Result<std::map<uint32_t, int64_t>> SqlStore::CountRowsByDataKey() {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  std::map<uint32_t, int64_t> rows;
  for (const SealedColumn& column : kSealedColumns) {
    auto stmt = (*reader)->Prepare(
        fmt::format("SELECT {1}, count(*) FROM {0} WHERE {1} IS NOT NULL GROUP BY {1}",
                    column.table, column.key));
    if (!stmt.ok()) return stmt.take_error();
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.take_error();
      if (!*row) break;
      rows[static_cast<uint32_t>(stmt->Int(0))] += stmt->Int(1);
    }
  }
  return rows;
}

Status SqlStore::ReloadDataKeys() {
  common::MutexLock lock(keys_mutex_);
  const std::string stamp = FileStamp(keyring_path_);
  if (stamp == keyring_stamp_) return Status::Ok();
  auto ring = crypto::LoadKeyRing(keyring_path_);
  if (!ring.ok()) return ring.take_error();
  cipher_->Update(*ring);
  keyring_stamp_ = stamp;
  return Status::Ok();
}

Result<int> SqlStore::ReencryptBatch(int limit) {
  const uint32_t primary = cipher_->PrimaryKeyId();
  std::vector<uint32_t> keys = {0};
  for (uint32_t id : cipher_->KeyIds()) {
    if (id < primary) keys.push_back(id);
  }
  int moved = 0;
  for (const SealedColumn& column : kSealedColumns) {
    for (uint32_t key : keys) {
      if (moved >= limit) return moved;
      auto n = ReencryptKey(column, key, limit - moved);
      if (!n.ok()) return n.take_error();
      moved += *n;
    }
  }
  return moved;
}

// Reads after the cursor in rowid order (the key column's index holds rowids in order
// within a key), re-seals here, and writes each row only if its value is still under
// `key`: a row purged, moved or replaced meanwhile is left as it is. A value that does not
// open stays where it is (it is counted under its key) and the cursor passes it.
Result<int> SqlStore::ReencryptKey(const SealedColumn& column, uint32_t key, int limit) {
  std::vector<Resealed> rows;
  const bool messages = column.payload_hash;
  int64_t& cursor = reencrypt_cursor_[{std::string(column.table), key}];
  {
    auto reader = Borrow();
    if (!reader.ok()) return reader.take_error();
    auto stmt = (*reader)->Prepare(fmt::format(
        "SELECT rowid, {1}, {2}, {4} FROM {0} WHERE {3} = ? AND rowid > ? ORDER BY rowid LIMIT ?",
        column.table, column.id, column.value, column.key, messages ? "payload_hash" : "''"));
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, int64_t{key}).Bind(2, cursor).Bind(3, int64_t{limit});
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.take_error();
      if (!*row) break;
      Resealed r{stmt->Int(0), stmt->Text(1), {}, std::nullopt};
      const std::string context = column.context(r.id);
      cursor = r.rowid;
      auto body = OpenBody(*cipher_, stmt->Text(2), key, context);
      if (!body.ok()) continue;
      r.body = cipher_->Seal(*body, context);
      const std::string hash = stmt->Text(3);
      if (messages && !IsKeyedPayloadHash(hash)) r.payload_hash = KeyedPayloadHash(*cipher_, hash);
      rows.push_back(std::move(r));
    }
    if (rows.size() < static_cast<size_t>(limit)) cursor = 0;  // this key's pass is over
  }
  if (rows.empty()) return 0;
  auto changed = std::make_shared<int>(0);
  const std::string sql = fmt::format(
      "UPDATE {0} SET {1} = ?1, {2} = ?2{3} WHERE rowid = ?3 AND {2} = ?4", column.table,
      column.value, column.key, messages ? ", payload_hash = coalesce(?5, payload_hash)" : "");
  Status s = WriteAndWait([rows = std::move(rows), sql, key, changed](Connection& db) -> Status {
    for (const Resealed& r : rows) {
      auto stmt = db.Prepare(sql);
      if (!stmt.ok()) return stmt.take_error();
      stmt->BindBlob(1, r.body).Bind(2, int64_t{crypto::SealedKeyId(r.body)});
      stmt->Bind(3, r.rowid).Bind(4, int64_t{key});
      if (r.payload_hash) stmt->BindBlob(5, *r.payload_hash);
      if (Status run = stmt->Run(); !run.ok()) return run;
      *changed += db.Changes();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return *changed;
}

}  // namespace deliverer::store::sql
