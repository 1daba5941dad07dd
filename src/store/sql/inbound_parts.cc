// SqlStore: parts of concatenated MOs, kept until their message is whole or expires
// (docs/api.md "Inbound messages to producers", docs/storage-schema.md "`inbound_parts`").
// Bodies are sealed like inbound bodies, with the part's own id as context.
#include <fmt/format.h>

#include "common/ids.h"
#include "store/sql/jobs.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

using deliverer::Status;

constexpr std::string_view kKeyWhere = "carrier = ?1 AND src = ?2 AND dst = ?3 AND ref = ?4 AND total = ?5";

void BindKey(Statement& stmt, const InboundPartsKey& key) {
  stmt.Bind(1, key.carrier).Bind(2, key.from).Bind(3, key.to);
  stmt.Bind(4, int64_t{key.reference}).Bind(5, int64_t{key.total});
}

// Producers' parts are those whose carrier is kProducerPartsPrefix and a system_id.
std::string OwnerWhere(PartsOwner owner) {
  return fmt::format("(substr(carrier, 1, {}) {} '{}')", kProducerPartsPrefix.size(),
                     owner == PartsOwner::kProducers ? "=" : "<>", kProducerPartsPrefix);
}

Result<int64_t> CountParts(Connection& db, PartsOwner owner) {
  auto stmt = db.Prepare("SELECT COUNT(*) FROM inbound_parts WHERE " + OwnerWhere(owner));
  if (!stmt.ok()) return stmt.take_error();
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  return stmt->Int(0);
}

// A resent part (same set, same sequence) keeps the first one stored.
Status InsertPart(Connection& db, const InboundPart& part, const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(
      "INSERT INTO inbound_parts (carrier, src, dst, ref, total, seq, id, body, body_key, at)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) ON CONFLICT DO NOTHING");
  if (!stmt.ok()) return stmt.take_error();
  const std::string id = NewUuidV7(part.at_ms);
  const std::string sealed = cipher.Seal(part.text, InboundBodyContext(id));
  BindKey(*stmt, part.key);
  stmt->Bind(6, int64_t{part.sequence}).Bind(7, id).BindBlob(8, sealed);
  stmt->Bind(9, int64_t{crypto::SealedKeyId(sealed)}).Bind(10, part.at_ms);
  return stmt->Run();
}

// Every part held of `key`'s set, by sequence. A body that no longer opens (its data key
// gone) reads as empty rather than holding the whole set back forever.
Result<std::vector<InboundPart>> PartsOf(Connection& db, const InboundPartsKey& key,
                                         const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(fmt::format(
      "SELECT seq, id, body, body_key, at FROM inbound_parts WHERE {} ORDER BY seq", kKeyWhere));
  if (!stmt.ok()) return stmt.take_error();
  BindKey(*stmt, key);
  std::vector<InboundPart> parts;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return parts;
    auto text = OpenBody(cipher, stmt->Text(2), stmt->Int(3), InboundBodyContext(stmt->Text(1)));
    parts.push_back(InboundPart{key, static_cast<int>(stmt->Int(0)), text.ok() ? std::move(*text) : "",
                                stmt->Int(4)});
  }
}

}  // namespace

void SqlStore::KeepInboundPart(InboundPart part, int64_t max_pending, PartCallback done) {
  auto apply = [part = std::move(part), max_pending,
                &cipher = *cipher_](Connection& db) -> Result<InboundPartsHeld> {
    auto held = CountParts(db, IsProducerParts(part.key) ? PartsOwner::kProducers : PartsOwner::kCarriers);
    if (!held.ok()) return held.take_error();
    if (*held >= max_pending) return InboundPartsHeld{.kept = false, .parts = {}};
    if (auto s = InsertPart(db, part, cipher); !s.ok()) return s.error();
    auto parts = PartsOf(db, part.key, cipher);
    if (!parts.ok()) return parts.take_error();
    return InboundPartsHeld{.kept = true, .parts = std::move(*parts)};
  };
  writer_->Submit(std::make_unique<ValueJob<InboundPartsHeld>>(std::move(apply), std::move(done)));
}

Result<std::vector<std::vector<InboundPart>>> SqlStore::ExpiredInboundParts(int64_t before_ms, int max_sets,
                                                                             PartsOwner owner) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  // A set has a part before the cutoff exactly when its first part is: the index on `at`
  // finds them without reading the sets still waiting.
  auto stmt = (*reader)->Prepare(
      "SELECT carrier, src, dst, ref, total, MIN(at) AS first FROM inbound_parts WHERE at < ?1 AND " +
      OwnerWhere(owner) + " GROUP BY carrier, src, dst, ref, total ORDER BY first LIMIT ?2");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, before_ms).Bind(2, int64_t{max_sets});
  std::vector<InboundPartsKey> keys;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    keys.push_back(InboundPartsKey{stmt->Text(0), stmt->Text(1), stmt->Text(2),
                                   static_cast<uint32_t>(stmt->Int(3)), static_cast<int>(stmt->Int(4))});
  }
  std::vector<std::vector<InboundPart>> sets;
  for (const InboundPartsKey& key : keys) {
    auto parts = PartsOf(**reader, key, *cipher_);
    if (!parts.ok()) return parts.take_error();
    if (!parts->empty()) sets.push_back(std::move(*parts));
  }
  return sets;
}

Result<int64_t> SqlStore::PendingInboundParts() { return CountWhere("inbound_parts", "1 = 1"); }

}  // namespace deliverer::store::sql
