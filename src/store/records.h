#pragma once
// What the store keeps: plain value types shared by every backend. No I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/lifecycle.h"
#include "model/message.h"
#include "model/price.h"

namespace deliverer::store {

// The set a part of a concatenated MO belongs to (docs/api.md "Inbound messages to
// producers"): the carrier's reference is only unique per carrier, sender and recipient,
// and a set whose parts disagree on `total` is not one set.
struct InboundPartsKey {
  std::string carrier;
  std::string from;
  std::string to;
  uint32_t reference = 0;  // 8- or 16-bit UDH reference, or sar_msg_ref_num
  int total = 0;           // 2..255

  bool operator==(const InboundPartsKey&) const = default;
};

// Parts of producers' concatenated submits (docs/smpp-server.md "Long messages") wait in
// the same place as MOs' parts: their key's `carrier` is this prefix and the producer's
// system_id, which no carrier id can be (carrier ids have no '/').
inline constexpr std::string_view kProducerPartsPrefix = "smpp/";
inline bool IsProducerParts(const InboundPartsKey& key) {
  return key.carrier.starts_with(kProducerPartsPrefix);
}
// Whose parts a read or a bound is about.
enum class PartsOwner : uint8_t { kCarriers, kProducers };
inline bool OwnedBy(const InboundPartsKey& key, PartsOwner owner) {
  return IsProducerParts(key) == (owner == PartsOwner::kProducers);
}

// A message accepted over SMPP with registered_delivery (docs/smpp-server.md "Receipts")
// has, for callback_url, where its receipt goes: "smpp:all:<system_id>" (every final
// status) or "smpp:failed:<system_id>" (failures only). Its final status then writes an
// outbox row that the SMPP server, not the webhook dispatcher, delivers; its other
// changes write none.
inline constexpr std::string_view kProducerReceiptScheme = "smpp:";
inline bool IsProducerReceiptUrl(std::string_view url) { return url.starts_with(kProducerReceiptScheme); }
inline std::string ProducerReceiptUrl(std::string_view system_id, bool failures_only) {
  return std::string(kProducerReceiptScheme) + (failures_only ? "failed:" : "all:") + std::string(system_id);
}

// An inbound message (MO) to a number assigned to an account that has SMPP credentials is
// also an outbox row whose url is "smpp:mo:<account>": the SMPP server delivers it as a
// deliver_sm on a receiver or transceiver bind of that account (docs/smpp-server.md
// "Inbound messages").
inline std::string ProducerInboundUrl(std::string_view account) {
  return std::string(kProducerReceiptScheme) + "mo:" + std::string(account);
}

// A message to store as accepted: the message itself, and who sent it and when.
struct NewMessage : model::Message {
  std::string id;
  std::string account;
  std::string key_id;           // who sent it (audit)
  std::string source_ip;        // audit
  int ttl_seconds = model::kDefaultTtlSeconds;
  std::string callback_url;
  std::string client_ref;
  std::string payload_hash;     // hash of the canonical request, for idempotency
  int64_t created_at_ms = 0;
  // When to release it to the queue (docs/api.md "Scheduled sends"): 0 = now. A message
  // with a send_at after created_at is stored `scheduled`, its TTL counted from send_at.
  int64_t send_at_ms = 0;
  // "opt_out", "opt_in" or "help" for the gateway's own reply to a keyword MO
  // (compliance/replies.h); "" for a producer's message. Only such replies skip the
  // suppression check at submit, and only the delivery side creates them.
  std::string compliance_reply;
  // The price the carrier routing would pick now charges for it (docs/api.md "Cost"),
  // fixed at acceptance; nullopt when no carrier would take it.
  std::optional<model::Price> estimate;
  // Set: the message is stored already ended `rejected` with this error, announced like
  // any end (its outbox row), and never queued. A producer's concatenated submit whose
  // parts did not all come in time ends so (docs/smpp-server.md "Long messages").
  std::optional<model::MessageError> rejected{};
  // Set: the parts this message was reassembled from (InboundStore::KeepInboundPart with
  // a producer's key: kProducerPartsPrefix), deleted in the commit
  // that stores it, so a part is never lost nor used twice across a crash. A replay (the
  // message stored already under the producer's id) deletes them too: they made it.
  std::optional<InboundPartsKey> consumes_parts{};
};

struct MessageEvent {
  model::Status status = model::Status::kQueued;
  int64_t at_ms = 0;
  std::string carrier;
  std::string detail;

  bool operator==(const MessageEvent&) const = default;
};

using MessageError = model::MessageError;

struct MessageRecord {
  std::string id;
  std::string account;
  std::string from;
  std::string to;
  model::Status status = model::Status::kQueued;
  model::MessageType type = model::MessageType::kSms;
  model::Priority priority = model::Priority::kNormal;
  model::Encoding encoding = model::Encoding::kGsm7;
  int segments = 1;
  std::string client_ref;
  std::string carrier;
  int attempts = 0;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> send_at_ms;  // a scheduled send's time; nullopt = sent at once
  std::optional<int64_t> sent_at_ms;
  std::optional<int64_t> done_at_ms;
  std::optional<MessageError> error;
  std::vector<MessageEvent> events;  // filled only when asked for
  std::optional<model::Price> estimate;  // NewMessage::estimate
  // What the carrier that took it charges, recorded when it was sent (StatusChange::cost);
  // nullopt while no carrier has taken it, and for a message that ended without one.
  std::optional<model::Price> cost;
};

enum class InsertOutcome : uint8_t {
  kCreated,   // stored now
  kReplayed,  // same id, same account, same payload, within the idempotency window
  kConflict,  // same id with another payload or account, or past the window
};

struct InsertResult {
  InsertOutcome outcome = InsertOutcome::kCreated;
  MessageRecord record;  // the stored message (the original one for a replay)
};

// A producer's cancel (DELETE /v1/messages/{id}), with what its audit entry records.
struct CancelRequest {
  std::string message_id;
  std::optional<std::string> account;  // whose message it must be; nullopt: any (admin)
  std::string key_id;
  std::string source_ip;
  int64_t at_ms = 0;
  // Set: only a message in this status is canceled; any other is kNotCancelable. For a
  // process that cannot see the submits in flight in another (--role api beside a
  // delivering process), which cancels only what no process submits yet: scheduled.
  std::optional<model::Status> only_from;
};

enum class CancelOutcome : uint8_t {
  kCanceled,       // canceled now
  kNotFound,       // no such message for that account
  kNotCancelable,  // at a carrier already, or ended: `record` says where it stands
};

struct CancelResult {
  CancelOutcome outcome = CancelOutcome::kNotFound;
  MessageRecord record;  // with its events; empty for kNotFound
};

struct MessageQuery {
  std::optional<std::string> account;  // nullopt: every account (admin)
  std::optional<model::Status> status;
  std::optional<std::string> to, from, client_ref;
  std::optional<int64_t> since_ms, until_ms;  // created_at, inclusive
  int limit = 100;
  // Position after which to continue (exclusive), from the previous page's last row.
  std::optional<int64_t> after_created_at_ms;
  std::optional<std::string> after_id;
};

struct MessagePage {
  std::vector<MessageRecord> messages;
  bool more = false;  // another page exists after the last row
};

struct Suppression {
  std::string account;  // "" = the global list
  std::string number;
  std::string reason;
  std::string source;   // "api", "mo", "cli"
  int64_t created_at_ms = 0;
};

struct SuppressionQuery {
  std::string account;  // "" = the global list
  int limit = 100;
  std::optional<std::string> after_number;
  bool all_accounts = false;  // every list, ordered by (account, number); `account` ignored
  std::optional<std::string> after_account;  // with all_accounts: continue after (account, number)
};

// An inbound (MO) message from a carrier.
struct InboundRecord {
  std::string id;
  std::string carrier;
  std::string from;  // the subscriber
  std::string to;    // our number or short code
  std::string body;
  int64_t at_ms = 0;
  // compliance::ToString(KeywordAction): "", "opt_out", "opt_out_all", "opt_in", "help",
  // "review".
  std::string keyword_action;
  // The account its number is assigned to ([[numbers]]) when it was recorded; "" =
  // unassigned (stored as NULL), listed to operators only.
  std::string account;
};

struct InboundQuery {
  std::optional<std::string> keyword_action;  // nullopt: every inbound message
  std::optional<std::string> account;         // nullopt: every account's and unassigned ones
  int limit = 100;
  // Newest first; continue strictly after this (at, id) of the previous page's last row.
  std::optional<std::pair<int64_t, std::string>> after;
};

struct ApiKeyRecord {
  std::string key_id;
  std::string account;
  std::string hash;
  uint32_t scopes = 0;
  int64_t created_at_ms = 0;
  std::optional<int64_t> expires_at_ms;
  std::optional<int64_t> revoked_at_ms;
  // Non-empty: an SMPP credential (docs/smpp-server.md "Credentials"), whose producer binds
  // with this system_id and a password; `hash` is then the password's (auth/smpp_password.h),
  // and the HTTP API refuses it. Listed, revoked, rotated and aged like any key.
  std::string smpp_system_id{};
};

// An account (created with its first API key) as the operator lists it.
struct AccountRecord {
  std::string id;
  int64_t created_at_ms = 0;
  // When the account's own webhook signing secret was last set; nullopt = it has none
  // and the global [webhooks] signing_secret applies. The secret itself is never listed.
  std::optional<int64_t> webhook_secret_updated_at_ms;
};

struct AuditEntry {
  int64_t seq = 0;             // assigned by the store; increasing
  int64_t at_ms = 0;
  std::string key_id;
  std::string account;
  std::string source_ip;
  std::string action;          // "message.send", "suppression.put", "key.create",
                               // "account.webhook_secret.set", …
  std::string target;          // the object acted on (a message id, a masked number, a key id)
  std::string correlation_id;
  // The changes this entry stands for: sends accepted together (one commit, one key, one
  // account, one source address) are one `message.send` entry, `target` and
  // `correlation_id` naming the first of them (docs/api.md "Audit trail"). 1 otherwise.
  int64_t count = 1;
};

// One pass of the retention job (docs/operations.md "Background jobs"): bodies of
// messages that ended, and of inbound messages, before `bodies_before_ms` are cleared;
// messages that ended and were created before `rows_before_ms` are deleted with their
// events, submits and webhooks, and so are older inbound messages and parked receipts.
// At most `batch` rows of each kind per pass.
struct RetentionCutoffs {
  int64_t bodies_before_ms = 0;
  int64_t rows_before_ms = 0;
  int batch = 500;
};

struct RetentionResult {
  int64_t bodies_cleared = 0;
  int64_t messages_deleted = 0;
  int64_t inbound_deleted = 0;
  bool more = false;  // a batch was full: run another pass
};

// What an erasure (docs/reliability.md S10) changed.
struct EraseResult {
  int64_t messages = 0;      // messages to or from the number, pseudonymised
  int64_t rejected = 0;      // of those, still queued: ended `rejected` (recipient_erased)
  int64_t inbound = 0;       // inbound messages from or to the number, pseudonymised
  int64_t suppressions = 0;  // opt-outs of the number: kept, matched by keyed hash only
  // The write-ahead log was emptied, so no copy of the old rows is left in it. False when
  // a reader held it: the next checkpoint overwrites them.
  bool log_truncated = false;
};

struct AuditQuery {
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // 0 = no upper bound; exclusive
  int64_t after_seq = 0;
  std::string action;    // each filter: "" = any
  std::string key_id;
  std::string account;
  int limit = 100;
};

}  // namespace deliverer::store
