#pragma once
// What the delivery side reads and writes: plain value types shared by every backend.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"

namespace deliverer::store {

// Everything a worker needs to submit one message: the message, and where it stands.
struct DeliveryRecord : model::Message {
  std::string id;
  std::string account;
  model::Status status = model::Status::kQueued;
  int attempts = 0;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  std::string compliance_reply;  // NewMessage::compliance_reply
  // Segments (0-based) a carrier already accepted in earlier attempts of a multipart
  // message: a retry submits only the others (docs/smpp-mapping.md "Multipart messages
  // and retries").
  std::vector<int> accepted_segments;
};

// A message waiting to be submitted, as start-up recovery republishes it.
struct QueuedRef {
  std::string id;
  std::string to;
  model::Priority priority = model::Priority::kNormal;
  int64_t created_at_ms = 0;
  int attempts = 0;
};

// One segment the carrier accepted.
struct SegmentSubmit {
  int index = 0;           // 0-based; -1: the whole message under one id (HTTP carriers)
  std::string carrier_id;  // as the carrier wrote it
  std::string match_key;   // receipts::NormalizeCarrierId of it, for receipts
};

// A status change decided by the delivery engine.
//   kQueued   a failed attempt that will be retried: attempts and error are updated,
//             the status stays queued (docs/api.md "Statuses": queued also covers a retry)
//   kSent     every segment accepted: `segments` holds the carrier ids of those accepted
//             by this attempt (earlier attempts' are recorded already)
//   terminal  delivered / expired / failed / rejected
// `segments`, on any change, are segments the carrier accepted in this attempt: they are
// recorded (and receipts parked for them applied) whatever the message's status becomes,
// so that a retry resends only the others and their receipts find their message.
// A change never moves a message that is already terminal (docs/reliability.md R9), and a
// change with `only_from` set applies only while the message has that status.
struct StatusChange {
  std::string message_id;
  model::Status status = model::Status::kQueued;
  std::optional<model::Status> only_from;
  int64_t at_ms = 0;
  std::string carrier;
  int attempts = 0;  // total submit attempts after this change
  std::optional<MessageError> error;
  std::string detail;  // the event's detail; none for kSent (its event is sent_at and carrier)
  std::vector<SegmentSubmit> segments;
  int64_t receipt_due_ms = 0;  // kSent: when to stop waiting for receipts
  // kSent: the carrier's price per segment at that moment × the message's segments
  // (docs/api.md "Cost"), kept so that a later price change does not rewrite it.
  std::optional<model::Price> cost;
};

enum class ChangeOutcome : uint8_t {
  kApplied,
  kIgnored,  // the message is terminal already, unknown, or not in `only_from`
};

struct ChangeResult {
  ChangeOutcome outcome = ChangeOutcome::kIgnored;
  // Set when receipts that had arrived before the segments were recorded (parked) moved
  // the message on from the change's status in the same commit: the status they left.
  std::optional<model::Status> settled;
  int64_t created_at_ms = 0;  // when the message was accepted (for latency)

  bool applied() const { return outcome == ChangeOutcome::kApplied; }
};

// A delivery receipt, from SMPP deliver_sm or POST /v1/dlr/{carrier}.
struct ReceiptIn {
  std::string carrier;
  std::string carrier_id;
  std::string match_key;
  // delivered / expired / failed / rejected; kSent for an intermediate state (ACCEPTD,
  // ENROUTE) or UNKNOWN, which change nothing now.
  model::Status status = model::Status::kSent;
  std::string carrier_code;  // "DELIVRD/000"
  int64_t at_ms = 0;
};

struct ReceiptResult {
  enum class Kind : uint8_t {
    kApplied,   // the message changed status
    kNoChange,  // matched, but nothing to change (intermediate, a duplicate, terminal already,
                // or another segment still outstanding)
    kParked,    // no submit with this id yet: kept, and applied when the submit is recorded
  };
  Kind kind = Kind::kNoChange;
  std::string message_id;
  model::Status status = model::Status::kSent;  // the message's status afterwards
  int64_t created_at_ms = 0;                    // when it was accepted (for latency)
};

// What an inbound webhook event (docs/api.md "Inbound messages to producers") carries
// besides the job's id (the inbound message's), at_ms (received_at) and carrier.
struct InboundEvent {
  std::string from;
  std::string to;
  std::string text;
};

// A webhook due for (re)delivery: the outbox row and what the payload needs. A status
// event, or, with `inbound` set, an inbound message's: then `message_id` is the inbound
// message's id and the status fields mean nothing.
struct WebhookJob {
  std::string event_id;
  std::string message_id;
  std::string account;
  std::string url;
  model::Status status = model::Status::kSent;
  model::Status previous_status = model::Status::kQueued;
  int64_t at_ms = 0;
  std::string carrier;
  std::optional<MessageError> error;
  int segments = 1;
  std::string client_ref;
  int attempts = 0;  // deliveries tried so far
  int64_t created_at_ms = 0;
  std::optional<InboundEvent> inbound;
};

// A receipt due to a producer's SMPP bind: the outbox row of a final status of a message
// whose callback_url is a ProducerReceiptUrl (records.h), with what the deliver_sm says.
// Completed with OutboxStore::CompleteWebhooks like a webhook.
struct ProducerReceiptJob {
  std::string event_id;
  std::string message_id;
  std::string account;
  bool failures_only = false;  // "smpp:failed:": a delivered message gets none
  std::string from;            // the message's; the receipt goes from its `to` to its `from`
  std::string to;
  model::Status status = model::Status::kDelivered;
  std::optional<MessageError> error;
  int segments = 1;
  int64_t submitted_at_ms = 0;  // the message's acceptance
  int64_t done_at_ms = 0;       // the final status's
  int attempts = 0;             // deliveries to the bind tried so far
  std::string text;             // the message's body, opened ("" once retention cleared it)
};

// An inbound message due to a producer's SMPP receiver binds (records.h ProducerInboundUrl).
// Completed with OutboxStore::CompleteWebhooks like a webhook.
struct ProducerInboundJob {
  std::string event_id;
  std::string inbound_id;
  std::string from;  // the subscriber
  std::string to;    // our number, the account's
  std::string text;
  int64_t at_ms = 0;
  int attempts = 0;
};

struct WebhookDone {
  std::string event_id;
  bool delivered = false;
  int64_t next_at_ms = 0;  // when not delivered: the next try; 0 = give up
};

// What an inbound message changes, in the same commit that records it (S11), so that a
// crash either loses the MO unacknowledged (the carrier sends it again) or keeps all of it.
// Opt-in: `number` leaves `account`'s list (whoever put it there) and the global list
// when an MO put it there (STOPALL, or a STOP no account could be found for). A global
// entry an operator made stays.
struct SuppressionLift {
  std::string account;  // "" = only the global list's MO entry
  std::string number;
};

// The gateway's reply to a keyword MO: stored as a queued message unless a reply of the
// same kind (`message.compliance_reply`) went to the same subscriber (`message.to`) for
// the same account at or after `not_since_ms`.
struct ComplianceReply {
  NewMessage message;
  int64_t not_since_ms = 0;
};

// One part of a concatenated MO, kept until its set is complete or expires.
struct InboundPart {
  InboundPartsKey key;
  int sequence = 0;  // 1..total
  std::string text;  // UTF-8, this part's alone
  int64_t at_ms = 0;
};

// What keeping a part found: every part of its set now held (its own included, sorted
// by sequence, one per sequence: a resent part keeps the first), or, when the bound on
// pending parts was reached, `kept` false and nothing stored.
struct InboundPartsHeld {
  bool kept = true;
  std::vector<InboundPart> parts;
};

struct InboundEffects {
  std::optional<Suppression> suppress;  // opt-out: put the number on this list
  std::optional<SuppressionLift> lift;  // opt-in
  std::optional<ComplianceReply> reply;
  // Non-empty: an inbound webhook event to this URL, in the outbox (R11), for the
  // record's account.
  std::string forward_url;
  // Also a deliver_sm for the record's account's SMPP receiver binds, in the outbox
  // (records.h ProducerInboundUrl).
  bool forward_smpp = false;
  // The parts the message was reassembled from: deleted in the same commit. When none
  // of them is left, another write recorded the message already, and this one records
  // nothing (InboundOutcome::already_recorded).
  std::optional<InboundPartsKey> consumes;
};

struct InboundOutcome {
  std::optional<QueuedRef> reply;  // the reply created now, to hand to the queue
  bool already_recorded = false;   // see InboundEffects::consumes
};

}  // namespace deliverer::store
