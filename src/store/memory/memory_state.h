#pragma once
// MemoryStore's rows, and the write steps its files share. Internal to store/memory/.
// Every function here runs under MemoryStore's state lock, on its store thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/cipher.h"
#include "store/canary_store.h"
#include "store/delivery_records.h"
#include "store/memory/memory_store.h"
#include "store/records.h"

namespace deliverer::store::memory {

struct StoredMessage {
  NewMessage input;         // as submitted: body, callback, payload hash, TTL, reply kind
  MessageRecord record;     // status and history, events included
  int64_t expires_at_ms = 0;
  int64_t receipt_due_ms = 0;
  uint64_t seq = 0;         // insertion order
};

// One segment a carrier accepted, keyed by (carrier, match_key) as receipts find it.
struct StoredSubmit {
  std::string message_id;
  int segment = 0;  // -1: the whole message under one id
  std::string carrier_id;
  model::Status state = model::Status::kSent;  // what its receipt said, once one counted
};

struct StoredWebhook {
  // The message's fields are read at DueWebhooks time; an inbound event (job.inbound set)
  // has its account and URL here, and its message's fields are read then too.
  WebhookJob job;
  enum class State : uint8_t { kPending, kDelivered, kGivenUp } state = State::kPending;
  int64_t next_at_ms = 0;
};

struct MemoryState {
  std::map<std::string, StoredMessage> messages;
  uint64_t next_seq = 0;
  std::map<std::pair<std::string, std::string>, StoredSubmit> submits;
  std::vector<ReceiptIn> parked;       // arrival order
  std::vector<StoredWebhook> webhooks; // creation order
  // (account, number); an erased number's opt-outs are kept under ErasedNumber(number).
  std::map<std::pair<std::string, std::string>, Suppression> suppressions;
  std::vector<AuditEntry> audit;
  std::map<std::string, InboundRecord> inbound;
  std::vector<InboundPart> inbound_parts;  // arrival order; one per (key, sequence)
  std::map<std::string, CanaryHalt> canary_halts;  // by flag
  // Hashes numbers for ErasedNumber with an index key of this store's own, as SQLite's
  // key ring has one; its data key is unused.
  const crypto::Cipher number_hasher{crypto::NewKeyRing(0)};
};

// Stores a new message with its `queued` event; the caller checked its id is free.
const StoredMessage& AddMessage(MemoryState& state, const NewMessage& m);
void AddAudit(MemoryState& state, AuditEntry entry);
// Puts or replaces a suppression; a replaced entry keeps its source and creation time.
void UpsertSuppression(MemoryState& state, const Suppression& s);
// What an opt-out of `number` is kept and listed under once the number was erased:
// "erased:" and the number's keyed hash, as in SQLite. It still matches the number and
// does not show it. Reads call it too, on their own thread (under the lock all the same).
std::string ErasedNumber(const MemoryState& state, std::string_view number);

// A status change or a receipt, decided by model/lifecycle.h; `pending_delta` gets the
// change in the number of waiting messages.
ChangeResult ApplyStatusChange(MemoryState& state, const StatusChange& change,
                               int64_t& pending_delta);
ReceiptResult ApplyReceipt(MemoryState& state, const ReceiptIn& receipt, int64_t& pending_delta);

}  // namespace deliverer::store::memory
