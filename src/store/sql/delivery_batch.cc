#include "store/sql/delivery_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>

namespace deliverer::store::sql {
namespace {

using MsgStatus = model::Status;

// Values per statement. A list is padded to the next power of two with NULLs, which match
// nothing, so each read has seven texts, each prepared once per connection, rather than
// one per length.
constexpr size_t kPerStatement = 64;

size_t PaddedSize(size_t n) {
  size_t size = 1;
  while (size < n) size *= 2;
  return size;
}

// `select` (which ends in "… = ") once per value, from placeholder `first` on, joined by
// UNION ALL into one statement whose every part is a lookup of one index key. A prepared
// `id IN (…)` is planned once for all the values it will get, and PostgreSQL, going by the
// statistics of a table that grew since they were last taken (a fresh database under
// load), can plan it as a scan of the whole table, or of every row of a carrier's.
std::string EachKey(std::string_view select, int first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += fmt::format("{}{}?{}", i == 0 ? "" : " UNION ALL ", select, first + static_cast<int>(i));
  }
  return out;
}

// Runs `sql_of(first, count)` over `values` in chunks, binding the chunk from placeholder
// `first` on after `bind_fixed`, and hands each row to `row`.
template <class BindFixed, class Row>
Status ForChunks(Connection& db, const std::vector<std::string>& values, int first,
                 const std::function<std::string(int, size_t)>& sql_of, BindFixed bind_fixed, Row row) {
  for (size_t at = 0; at < values.size(); at += kPerStatement) {
    const size_t n = std::min(kPerStatement, values.size() - at);
    const size_t padded = PaddedSize(n);
    auto stmt = db.Prepare(sql_of(first, padded));
    if (!stmt.ok()) return stmt.take_error();
    bind_fixed(*stmt);
    for (size_t i = 0; i < padded; ++i) {
      if (i < n) {
        stmt->Bind(first + static_cast<int>(i), values[at + i]);
      } else {
        stmt->BindNull(first + static_cast<int>(i));
      }
    }
    for (;;) {
      auto next = stmt->Step();
      if (!next.ok()) return next.take_error();
      if (!*next) break;
      row(*stmt);
    }
  }
  return Status::Ok();
}

// The match keys of `keys` by carrier, each once: the reads select by carrier, then key.
std::map<std::string, std::vector<std::string>> ByCarrier(const std::vector<CarrierKey>& keys) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [carrier, match_key] : keys) out[carrier].push_back(match_key);
  for (auto& [carrier, list] : out) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return out;
}

Current CurrentOf(const Statement& row, int first) {
  return Current{static_cast<MsgStatus>(row.Int(first)), row.Text(first + 1), row.Text(first + 2),
                 row.Text(first + 3), static_cast<int>(row.Int(first + 4)), row.Int(first + 5)};
}

constexpr std::string_view kCurrentColumns = "status, account, callback_url, client_ref, segments, created_at";

}  // namespace

Result<std::optional<Current>> ReadCurrent(Connection& db, const std::string& id) {
  auto stmt = db.Prepare(fmt::format("SELECT {} FROM messages WHERE id = ?", kCurrentColumns));
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<Current>();
  return std::optional<Current>(CurrentOf(*stmt, 0));
}

Status DeliveryBatch::LoadMessages(Connection& db, const std::vector<std::string>& ids) {
  std::vector<std::string> wanted;
  for (const std::string& id : ids) {
    if (messages_.emplace(id, std::nullopt).second) wanted.push_back(id);
  }
  return ForChunks(
      db, wanted, 1,
      [](int first, size_t n) {
        return EachKey(fmt::format("SELECT id, {} FROM messages WHERE id = ", kCurrentColumns), first, n);
      },
      [](Statement&) {}, [&](const Statement& row) { messages_[row.Text(0)] = CurrentOf(row, 1); });
}

Status DeliveryBatch::LoadSubmitters(Connection& db, const std::vector<CarrierKey>& keys) {
  // A single-segment message's row first (most receipts), then the submits table, as
  // delivery.cc FindSubmitter looks: each for the keys the one before did not hold.
  static constexpr std::pair<std::string_view, bool> kHolders[] = {
      {"SELECT match_key, id FROM messages WHERE carrier = ?1 AND match_key = ", true},
      {"SELECT match_key, message_id FROM submits WHERE carrier = ?1 AND match_key = ", false},
  };
  std::vector<std::string> message_ids;
  for (const auto& by_carrier : ByCarrier(keys)) {
    const std::string& carrier = by_carrier.first;
    std::vector<std::string> unheld = by_carrier.second;
    for (const std::string& key : unheld) submitters_[{carrier, key}] = Submitter{"", false};
    for (const auto& holder : kHolders) {
      const std::string_view select = holder.first;
      const bool in_row = holder.second;
      Status found = ForChunks(
          db, unheld, 2, [select](int first, size_t n) { return EachKey(select, first, n); },
          [&carrier](Statement& stmt) { stmt.Bind(1, carrier); },
          [&](const Statement& row) {
            submitters_[{carrier, row.Text(0)}] = Submitter{row.Text(1), in_row};
            message_ids.push_back(row.Text(1));
          });
      if (!found.ok()) return found;
      std::erase_if(unheld, [&](const std::string& key) { return !submitters_[{carrier, key}].message_id.empty(); });
    }
  }
  return LoadMessages(db, message_ids);
}

Status DeliveryBatch::LoadParked(Connection& db, const std::vector<CarrierKey>& keys) {
  for (const auto& by_carrier : ByCarrier(keys)) {
    const std::string& carrier = by_carrier.first;  // named: clang cannot capture a binding
    const std::vector<std::string>& match_keys = by_carrier.second;
    for (const std::string& key : match_keys) parked_[{carrier, key}];
    Status loaded = ForChunks(
        db, match_keys, 2,
        [](int first, size_t n) {
          return EachKey(
                     "SELECT match_key, carrier_id, status, carrier_code, at, rowid FROM receipts_parked"
                     " WHERE carrier = ?1 AND match_key = ",
                     first, n) +
                 " ORDER BY 6";
        },
        [&carrier](Statement& stmt) { stmt.Bind(1, carrier); },
        [&](const Statement& row) {
          std::string key = row.Text(0);
          parked_[{carrier, key}].push_back(ReceiptIn{carrier, row.Text(1), key, static_cast<MsgStatus>(row.Int(2)),
                                                      row.Text(3), row.Int(4)});
        });
    if (!loaded.ok()) return loaded;
  }
  return Status::Ok();
}

void DeliveryBatch::Clear() {
  messages_.clear();
  submitters_.clear();
  parked_.clear();
  webhooks_.clear();
}

Status DeliveryBatch::WriteWebhooks(Connection& db) {
  Status sent = SendWebhookRows(db, webhooks_);
  webhooks_.clear();
  return sent;
}

Status SendWebhookRows(Connection& db, std::span<const WebhookJob> rows) {
  // Rows per statement, largest first: four statement texts, built and prepared once.
  static constexpr std::array<size_t, 4> kRowsPer = {64, 16, 4, 1};
  static const std::array<std::string, 4> kSql = [] {
    std::array<std::string, 4> texts;
    for (size_t i = 0; i < kRowsPer.size(); ++i) {
      texts[i] =
          "INSERT INTO webhooks (event_id, message_id, status, previous_status, at, carrier, error_code,"
          " error_detail, carrier_code, next_at) VALUES ";
      for (size_t r = 0; r < kRowsPer[i]; ++r) texts[i] += r == 0 ? "(?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?)";
    }
    return texts;
  }();
  constexpr int kColumns = 10;
  size_t at = 0;
  for (size_t i = 0; i < kRowsPer.size(); ++i) {
    for (; rows.size() - at >= kRowsPer[i]; at += kRowsPer[i]) {
      auto stmt = db.Prepare(kSql[i]);
      if (!stmt.ok()) return stmt.take_error();
      for (size_t r = 0; r < kRowsPer[i]; ++r) {
        const WebhookJob& w = rows[at + r];
        const int first = static_cast<int>(r) * kColumns;
        stmt->Bind(first + 1, w.event_id).Bind(first + 2, w.message_id);
        stmt->Bind(first + 3, int64_t{static_cast<int>(w.status)});
        stmt->Bind(first + 4, int64_t{static_cast<int>(w.previous_status)});
        stmt->Bind(first + 5, w.at_ms).Bind(first + 6, w.carrier);
        if (w.error) {
          stmt->Bind(first + 7, w.error->code).Bind(first + 8, w.error->detail).Bind(first + 9, w.error->carrier_code);
        } else {
          stmt->BindNull(first + 7).BindNull(first + 8).BindNull(first + 9);
        }
        stmt->Bind(first + 10, w.at_ms);  // next_at: due at once
      }
      if (Status s = stmt->Send(); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

const std::optional<Current>* DeliveryBatch::Message(const std::string& id) const {
  auto it = messages_.find(id);
  return it == messages_.end() ? nullptr : &it->second;
}

void DeliveryBatch::NoteStatus(const std::string& id, MsgStatus status) {
  auto it = messages_.find(id);
  if (it != messages_.end() && it->second) it->second->status = status;
}

const Submitter* DeliveryBatch::SubmitterOf(const CarrierKey& key) const {
  auto it = submitters_.find(key);
  return it == submitters_.end() ? nullptr : &it->second;
}

void DeliveryBatch::NoteSubmitter(const CarrierKey& key, Submitter submitter) {
  submitters_[key] = std::move(submitter);
}

void DeliveryBatch::NoteParked(const ReceiptIn& receipt) {
  auto it = parked_.find({receipt.carrier, receipt.match_key});
  if (it != parked_.end()) it->second.push_back(receipt);
}

std::optional<std::vector<ReceiptIn>> DeliveryBatch::TakeParked(const CarrierKey& key) {
  auto it = parked_.find(key);
  if (it == parked_.end()) return std::nullopt;
  return std::exchange(it->second, {});
}

}  // namespace deliverer::store::sql
