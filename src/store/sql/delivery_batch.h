#pragma once
// A job of status changes and receipts (delivery_job.h) as one batch: what its items read,
// read for all of them in a few statements, and the outbox rows they write, written
// together at its end, instead of a few statements per item. On PostgreSQL every read
// waits for a round trip while the writes are pipelined (db.h Statement::Send), and every
// statement costs the server about as much as its work: these are most of what a job
// costs there.
//
//   DeliveryBatch batch;
//   batch.LoadMessages(db, ids);                  // one statement per 64 ids
//   if (const auto* known = batch.Message(id)) …  // null: not loaded, read it yourself
//   batch.NoteStatus(id, MsgStatus::kSent);       // after the batch's own write
//   batch.AddWebhook(job);                        // instead of its own INSERT
//   batch.WriteWebhooks(db);                      // at the end, before the job's Flush
//
// The batch keeps what it read current with its own writes (the Note… calls,
// TakeParked). It serves one job inside one transaction on the writer thread; Clear it
// when the job is rolled back. Nothing in it outlives the job.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "model/message.h"
#include "store/delivery_records.h"
#include "store/sql/db.h"

namespace deliverer::store::sql {

// The fields of a message the delivery side's rules read (delivery.cc).
struct Current {
  model::Status status = model::Status::kQueued;
  std::string account;
  std::string callback_url;
  std::string client_ref;
  int segments = 1;
  int64_t created_at_ms = 0;
};

// A message's fields by one read of its own: nullopt when there is no such message.
Result<std::optional<Current>> ReadCurrent(Connection& db, const std::string& id);

// (carrier, match_key): what names one submit, and the receipts for it.
using CarrierKey = std::pair<std::string, std::string>;

// Sends `rows` as outbox rows (storage-schema.md "webhooks": the event of each, due at
// once), in as few multi-row INSERTs as four statement texts allow.
Status SendWebhookRows(Connection& db, std::span<const WebhookJob> rows);

// Where the submit a receipt names is recorded: the message row itself (a single-segment
// message's one submit, `in_row`) or the submits table. No message: `message_id` empty.
struct Submitter {
  std::string message_id;
  bool in_row = true;
};

class DeliveryBatch {
 public:
  // The messages of `ids`; those that do not exist are remembered as such.
  Status LoadMessages(Connection& db, const std::vector<std::string>& ids);
  // Where the submits of `keys` are recorded, then the messages they belong to.
  Status LoadSubmitters(Connection& db, const std::vector<CarrierKey>& keys);
  // The receipts parked under `keys`, in arrival order.
  Status LoadParked(Connection& db, const std::vector<CarrierKey>& keys);
  void Clear();

  // Null: not loaded. Else the message, or nullopt when it does not exist.
  const std::optional<Current>* Message(const std::string& id) const;
  // A write of the batch moved the message.
  void NoteStatus(const std::string& id, model::Status status);
  // Null: not loaded.
  const Submitter* SubmitterOf(const CarrierKey& key) const;
  // A write of the batch recorded a submit under `key`, or released it (no message).
  void NoteSubmitter(const CarrierKey& key, Submitter submitter);
  // A receipt of the batch was parked (kept only where its key was loaded: elsewhere a
  // read finds it in the table).
  void NoteParked(const ReceiptIn& receipt);
  // The receipts parked under `key`, handed out once (the batch deletes their rows).
  // Nullopt: not loaded.
  std::optional<std::vector<ReceiptIn>> TakeParked(const CarrierKey& key);

  // An outbox row to write with the others at the end of the job.
  void AddWebhook(WebhookJob row) { webhooks_.push_back(std::move(row)); }
  // Sends the rows added (SendWebhookRows; pipelined on PostgreSQL).
  Status WriteWebhooks(Connection& db);

 private:
  std::unordered_map<std::string, std::optional<Current>> messages_;
  std::map<CarrierKey, Submitter> submitters_;
  std::map<CarrierKey, std::vector<ReceiptIn>> parked_;
  std::vector<WebhookJob> webhooks_;
};

}  // namespace deliverer::store::sql
