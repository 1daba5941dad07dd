#pragma once
// A message's lifecycle as rules, free of storage (docs/architecture.md "The message
// lifecycle"). Each store backend reads the message's current state inside its own
// transaction, asks these functions what happens, and writes the answer: no backend and
// no SQL decides a status. Pure, thread-safe.
//
//   scheduled ──► queued ──► sending ──► sent ──► delivered | expired | failed | rejected
//       │            ▲ │          │
//       │            │ └──────────┘  a failed attempt that will be retried stays queued
//       └────────────┴──► canceled   (by the producer, while scheduled or queued)
//
// - A scheduled message waits for its `send_at`; only its release (to queued), a cancel
//   or an erasure moves it.
// - A final status is sticky: nothing moves a message out of it (a late receipt, a
//   duplicate receipt or a stale outcome changes nothing).
// - A multipart message is delivered when every segment is; one segment's failure ends it.
// - A receipt may come before the submit that it answers is recorded: backends keep it
//   aside and apply it, through the same rules, when the submit is recorded.
#include <optional>
#include <string>

#include "model/message.h"

namespace deliverer::model {

// Why a message ended as it did, or why its last attempt failed, as the producer reads it
// in `error` (docs/api.md, the `error.code` table).
struct MessageError {
  std::string code;
  std::string detail;
  std::string carrier_code;  // the carrier's own words, e.g. "UNDELIV/012"

  bool operator==(const MessageError&) const = default;
};

// Waiting for a carrier: counted in the queue depth that back-pressure reads.
inline bool IsWaiting(Status s) { return s == Status::kQueued || s == Status::kSending; }

// A change producers are told of by webhook: sent, and every final status. Scheduled and
// queued are where a message starts or waits, not news.
inline bool IsAnnounced(Status s) { return s == Status::kSent || IsTerminal(s); }

// A producer may cancel a message that no carrier has been given yet.
inline bool IsCancelable(Status s) { return s == Status::kScheduled || s == Status::kQueued; }

// How the number of waiting messages changes when one moves from `from` to `to`.
int WaitingDelta(Status from, Status to);

// What the delivery engine's change to `proposed` does to a message now in `current`.
enum class ChangeVerdict : uint8_t {
  kIgnore,         // final already, not in `only_from`, or overtaken (already sent)
  kRecordAttempt,  // a failed attempt to be retried: attempts and error are recorded, the
                   // status stays queued (docs/api.md "Statuses": queued covers retries)
  kMove,           // the message moves to `proposed`
};
// `proposed` queued or sending: a retry wait, or (from scheduled) the release at send_at;
// sent: every segment accepted; a final status: the engine or the producer (canceled)
// ended the message. `only_from` makes the change conditional (e.g. the receipt wait
// ends only a message still `sent`).
ChangeVerdict DecideChange(Status current, Status proposed, std::optional<Status> only_from);

// A receipt counts only when it reports a final state (delivered, expired, failed,
// rejected) for a message that is not final yet. `receipt` is kSent for what changes
// nothing now: intermediate states (ACCEPTD, ENROUTE) and UNKNOWN.
bool ReceiptCounts(Status current, Status receipt);

// The message's segments after a counted receipt was recorded against its segment.
struct SegmentTally {
  int segments = 1;              // the message's
  int delivered = 0;             // distinct segments whose receipt said delivered
  bool whole_delivered = false;  // a receipt for the whole message said delivered (an HTTP
                                 // carrier that segments itself answers with one id)
};

// The status a counted receipt moves the message to; nullopt while other segments are
// still on their way.
std::optional<Status> StatusAfterReceipt(Status receipt, const SegmentTally& tally);

// The error recorded when a receipt ends a message as `status` (not for delivered).
MessageError ReceiptError(Status status, std::string carrier_code);

// A message `sent` whose receipt did not come within the receipt wait ends expired with
// this error; a receipt that comes later changes nothing.
inline constexpr Status kStatusAfterReceiptWait = Status::kExpired;
MessageError NoReceiptError();

// A message still waiting when its TTL ended (no carrier could take it in time).
inline constexpr Status kStatusAfterTtl = Status::kExpired;
MessageError TtlExpiredError();

// A message still queued or scheduled when its recipient's data is erased on request is
// never sent: it ends as a refusal for policy would. One already on its way to a carrier
// (`sending`) goes on, and its outcome is recorded as usual.
inline constexpr Status kStatusAfterErasure = Status::kRejected;
inline bool ErasureEnds(Status s) { return s == Status::kQueued || s == Status::kScheduled; }
MessageError RecipientErasedError();

}  // namespace deliverer::model
