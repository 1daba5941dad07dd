// SqlStore: the delivery side (DeliveryStore): status changes with their events and
// webhook outbox rows, receipts (matched, parked, reconciled), overdue receipts. Inbound
// messages are in inbound.cc.
// The rules that decide a message's status are model/lifecycle.h's; this file reads what
// they need and writes what they decide, on the writer thread inside the commit, so
// concurrent receipts and submits can never interleave halfway.
#include <fmt/format.h>

#include "common/ids.h"
#include "common/log.h"
#include "common/mask.h"
#include "model/lifecycle.h"
#include "store/sql/delivery_batch.h"
#include "store/sql/delivery_job.h"
#include "store/sql/delivery_writes.h"
#include "store/sql/jobs.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

using MsgStatus = model::Status;
using deliverer::Status;

// Statuses are stored as these numbers; the partial indexes (migrations.cc) and the
// queries that select waiting (<= 1), sent (2) or final (>= 3) messages rely on them.
static_assert(static_cast<int>(MsgStatus::kQueued) == 0 && static_cast<int>(MsgStatus::kSending) == 1 &&
              static_cast<int>(MsgStatus::kSent) == 2 && static_cast<int>(MsgStatus::kDelivered) == 3 &&
              static_cast<int>(MsgStatus::kRejected) == 6 && static_cast<int>(MsgStatus::kScheduled) == 7 &&
              static_cast<int>(MsgStatus::kCanceled) == 8);

int64_t Code(MsgStatus s) { return static_cast<int>(s); }

// The message as the batch knows it, or as read now.
Result<std::optional<Current>> Lookup(Connection& db, DeliveryBatch* batch, const std::string& id) {
  if (batch != nullptr) {
    if (const std::optional<Current>* known = batch->Message(id)) return *known;
  }
  return ReadCurrent(db, id);
}

// The outbox row announcing a change, in the same commit (R11), and the same event as
// DueWebhooks would read it back, for `effects`. In a batch the row is written with the
// batch's others, at its end.
Status InsertWebhook(Connection& db, DeliveryBatch* batch, const std::string& message_id, const Current& current,
                     MsgStatus status, int64_t at_ms, const std::string& carrier,
                     const std::optional<MessageError>& error, WriteEffects& effects) {
  WebhookJob job;
  job.event_id = NewUuidV7(at_ms);
  job.message_id = message_id;
  job.account = current.account;
  job.url = current.callback_url;
  job.status = status;
  job.previous_status = current.status;
  job.at_ms = at_ms;
  job.carrier = carrier;
  job.error = error;
  job.segments = current.segments;
  job.client_ref = current.client_ref;
  job.created_at_ms = current.created_at_ms;
  if (batch != nullptr) {
    batch->AddWebhook(job);
  } else if (Status s = SendWebhookRows(db, {&job, 1}); !s.ok()) {
    return s;
  }
  // A producer's SMPP receipt is the SMPP server's to send (records.h ProducerReceiptUrl).
  if (IsProducerReceiptUrl(current.callback_url)) return Status::Ok();
  effects.announced.push_back(std::move(job));
  return Status::Ok();
}

// The event of a change to `status` (a row only when the message row cannot hold it:
// ReadHistory), and its outbox row when the message has a callback and the change is one
// producers are told of.
Status Announce(Connection& db, DeliveryBatch* batch, const std::string& id, const Current& current,
                MsgStatus status, int64_t at_ms, const std::string& carrier,
                const std::optional<MessageError>& error, const std::string& detail, WriteEffects& effects) {
  if (!EventInRow(status)) return InsertEvent(db, id, MessageEvent{status, at_ms, carrier, detail});
  if (current.callback_url.empty()) return Status::Ok();
  // A producer's SMPP receipt tells the end only (records.h ProducerReceiptUrl).
  if (IsProducerReceiptUrl(current.callback_url) && !model::IsTerminal(status)) return Status::Ok();
  return InsertWebhook(db, batch, id, current, status, at_ms, carrier, error, effects);
}

// Moves a message to `status` with its event (and outbox row when it has a callback).
Status Transition(Connection& db, DeliveryBatch* batch, const std::string& id, const Current& current,
                  MsgStatus status, int64_t at_ms, const std::string& carrier,
                  const std::optional<MessageError>& error, const std::string& detail, int attempts,
                  WriteEffects& effects) {
  auto stmt = db.Prepare(
      "UPDATE messages SET status = ?, updated_at = ?,"
      " carrier = CASE WHEN ?3 = '' THEN carrier ELSE ?3 END,"
      " attempts = CASE WHEN attempts > ?4 THEN attempts ELSE ?4 END, done_at = coalesce(?9, done_at),"
      " error_code = coalesce(?5, error_code), error_detail = coalesce(?6, error_detail),"
      " carrier_code = coalesce(?7, carrier_code),"
      " done_detail = CASE WHEN ?9 IS NULL THEN done_detail ELSE nullif(?10, '') END,"
      " receipt_due_at = CASE WHEN ?9 IS NULL THEN receipt_due_at END WHERE id = ?8");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, Code(status)).Bind(2, at_ms).Bind(3, carrier).Bind(4, int64_t{attempts});
  if (error) {
    stmt->Bind(5, error->code).Bind(6, error->detail).Bind(7, error->carrier_code);
  } else {
    stmt->BindNull(5).BindNull(6).BindNull(7);
  }
  stmt->Bind(8, id);
  if (model::IsTerminal(status)) {
    stmt->Bind(9, at_ms);
  } else {
    stmt->BindNull(9);
  }
  stmt->Bind(10, detail);
  if (auto s = stmt->Send(); !s.ok()) return s;
  if (batch != nullptr) batch->NoteStatus(id, status);
  return Announce(db, batch, id, current, status, at_ms, carrier, error, detail, effects);
}

// The message's segments as model::StatusAfterReceipt counts them. Segment -1 is a whole
// message under one id (an HTTP carrier segments it itself).
Result<model::SegmentTally> TallySegments(Connection& db, const std::string& message_id, int segments) {
  auto count = db.Prepare(
      "SELECT count(DISTINCT segment), coalesce(max(CASE WHEN segment < 0 THEN 1 ELSE 0 END), 0) FROM submits"
      " WHERE message_id = ? AND state = ?");
  if (!count.ok()) return count.take_error();
  count->Bind(1, message_id).Bind(2, Code(MsgStatus::kDelivered));
  if (auto row = count->Step(); !row.ok()) return row.take_error();
  return model::SegmentTally{segments, static_cast<int>(count->Int(0)), count->Int(1) != 0};
}

// A receipt whose submit is known: records it against its segment and moves the message
// as the lifecycle says.
Result<ReceiptResult> ApplyMatched(Connection& db, DeliveryBatch* batch, const std::string& message_id,
                                   const ReceiptIn& r, bool in_row, WriteEffects& effects) {
  ReceiptResult result{ReceiptResult::Kind::kNoChange, message_id, MsgStatus::kSent};
  auto current = Lookup(db, batch, message_id);
  if (!current.ok()) return current.take_error();
  if (!current->has_value()) return result;
  const Current& cur = **current;
  result.status = cur.status;
  result.created_at_ms = cur.created_at_ms;
  if (!model::ReceiptCounts(cur.status, r.status)) return result;  // intermediate, duplicate or late
  // A submit the row holds is its single segment's: the message's status is its state.
  if (!in_row) {
    auto seg = db.Prepare("UPDATE submits SET state = ? WHERE carrier = ? AND match_key = ?");
    if (!seg.ok()) return seg.take_error();
    seg->Bind(1, Code(r.status)).Bind(2, r.carrier).Bind(3, r.match_key);
    if (auto s = seg->Send(); !s.ok()) return s.error();
  }
  // A single-segment message needs no count of its submits: this receipt is its tally.
  auto tally = cur.segments == 1
                   ? Result<model::SegmentTally>(model::SegmentTally{1, r.status == MsgStatus::kDelivered ? 1 : 0, false})
                   : TallySegments(db, message_id, cur.segments);
  if (!tally.ok()) return tally.take_error();
  const std::optional<MsgStatus> next = model::StatusAfterReceipt(r.status, *tally);
  if (!next) return result;  // other segments still on their way
  std::optional<MessageError> error;
  if (*next != MsgStatus::kDelivered) error = model::ReceiptError(*next, r.carrier_code);
  if (auto s = Transition(db, batch, message_id, cur, *next, r.at_ms, r.carrier, error, r.carrier_code, 0,
                          effects);
      !s.ok()) {
    return s.error();
  }
  effects.pending_delta += model::WaitingDelta(cur.status, *next);
  result.kind = ReceiptResult::Kind::kApplied;
  result.status = *next;
  return result;
}

// Receipts that arrived before their submit was recorded (R9: early receipts). `settled`
// gets the status the last one that changed the message left it in.
Status ReconcileParked(Connection& db, DeliveryBatch* batch, const std::string& carrier,
                       const SegmentSubmit& segment, const std::string& message_id, bool in_row,
                       WriteEffects& effects, std::optional<MsgStatus>& settled) {
  std::vector<ReceiptIn> parked;
  std::optional<std::vector<ReceiptIn>> known;
  if (batch != nullptr) known = batch->TakeParked({carrier, segment.match_key});
  if (known) {
    parked = std::move(*known);
  } else {
    auto stmt = db.Prepare(
        "SELECT carrier_id, status, carrier_code, at FROM receipts_parked"
        " WHERE carrier = ? AND match_key = ? ORDER BY rowid");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, carrier).Bind(2, segment.match_key);
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.take_error();
      if (!*row) break;
      parked.push_back(ReceiptIn{carrier, stmt->Text(0), segment.match_key,
                                 static_cast<MsgStatus>(stmt->Int(1)), stmt->Text(2), stmt->Int(3)});
    }
  }
  if (parked.empty()) return Status::Ok();
  for (const ReceiptIn& r : parked) {
    auto applied = ApplyMatched(db, batch, message_id, r, in_row, effects);
    if (!applied.ok()) return applied.error();
    if (applied->kind == ReceiptResult::Kind::kApplied) settled = applied->status;
  }
  auto del = db.Prepare("DELETE FROM receipts_parked WHERE carrier = ? AND match_key = ?");
  if (!del.ok()) return del.take_error();
  del->Bind(1, carrier).Bind(2, segment.match_key);
  return del->Send();
}

// A carrier id names one submit: the newest. A carrier reusing ids (they wrap) must not
// leave an older holder, in the submits table or in a message row, that receipts would
// find first.
Status ReleaseKey(Connection& db, DeliveryBatch* batch, const std::string& carrier, const std::string& match_key) {
  if (batch != nullptr) {
    const Submitter* holder = batch->SubmitterOf({carrier, match_key});
    const bool held = holder == nullptr || !holder->message_id.empty();
    batch->NoteSubmitter({carrier, match_key}, Submitter{"", false});
    if (!held) return Status::Ok();  // nearly always: a carrier id is new
  }
  for (const char* sql : {"UPDATE messages SET match_key = NULL WHERE carrier = ?1 AND match_key = ?2",
                          "DELETE FROM submits WHERE carrier = ?1 AND match_key = ?2"}) {
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, carrier).Bind(2, match_key);
    if (auto s = stmt->Send(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status InsertSubmits(Connection& db, DeliveryBatch* batch, const StatusChange& c) {
  for (const SegmentSubmit& segment : c.segments) {
    if (auto s = ReleaseKey(db, batch, c.carrier, segment.match_key); !s.ok()) return s;
    auto stmt = db.Prepare(
        "INSERT INTO submits (carrier, match_key, message_id, segment, carrier_id, state, at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT (carrier, match_key) DO UPDATE SET"
        " message_id = excluded.message_id, segment = excluded.segment, carrier_id = excluded.carrier_id,"
        " state = excluded.state, at = excluded.at");
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, c.carrier).Bind(2, segment.match_key).Bind(3, c.message_id);
    stmt->Bind(4, int64_t{segment.index}).Bind(5, segment.carrier_id).Bind(6, Code(MsgStatus::kSent));
    stmt->Bind(7, c.at_ms);
    if (auto s = stmt->Send(); !s.ok()) return s;
    if (batch != nullptr) batch->NoteSubmitter({c.carrier, segment.match_key}, Submitter{c.message_id, false});
  }
  return Status::Ok();
}

// Records the segments a carrier accepted with this change (unless the message row took
// its one submit: `in_row`) and applies the receipts parked for them.
Status RecordSegments(Connection& db, DeliveryBatch* batch, const StatusChange& c, bool in_row,
                      WriteEffects& effects, std::optional<MsgStatus>& settled) {
  if (!in_row) {
    if (auto s = InsertSubmits(db, batch, c); !s.ok()) return s;
  }
  for (const SegmentSubmit& segment : c.segments) {
    if (auto s = ReconcileParked(db, batch, c.carrier, segment, c.message_id, in_row, effects, settled);
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Result<ChangeOutcome> ApplyRetryWait(Connection& db, const StatusChange& c) {
  auto stmt = db.Prepare(
      "UPDATE messages SET attempts = ?, updated_at = ?,"
      " error_code = ?, error_detail = ?, carrier_code = ? WHERE id = ?");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, int64_t{c.attempts}).Bind(2, c.at_ms);
  if (c.error) {
    stmt->Bind(3, c.error->code).Bind(4, c.error->detail).Bind(5, c.error->carrier_code);
  } else {
    stmt->BindNull(3).BindNull(4).BindNull(5);
  }
  stmt->Bind(6, c.message_id);
  if (auto s = stmt->Send(); !s.ok()) return s.error();
  return ChangeOutcome::kApplied;
}

// A single-segment message's one submit is held by its row (`match_key`, beside the
// `carrier` it went to): the row is written at sent anyway, and its entry in
// messages_by_match_key replaces a submits row and that row's index entry (migration 9).
bool SubmitInRow(const Current& cur, const StatusChange& c) {
  return cur.segments == 1 && c.segments.size() == 1 && !c.carrier.empty();
}

Result<ChangeOutcome> ApplySent(Connection& db, DeliveryBatch* batch, const StatusChange& c, const Current& cur,
                                bool& in_row, WriteEffects& effects) {
  in_row = SubmitInRow(cur, c);
  if (in_row) {
    if (auto s = ReleaseKey(db, batch, c.carrier, c.segments[0].match_key); !s.ok()) return s.error();
  }
  // Transition's update and the sent fields in one statement: the row, and the indexes
  // its status, receipt deadline and carrier id are in, are written once.
  auto stmt = db.Prepare(
      "UPDATE messages SET status = ?, updated_at = ?,"
      " carrier = CASE WHEN ?3 = '' THEN carrier ELSE ?3 END, attempts = CASE WHEN attempts > ?4 THEN attempts ELSE ?4 END,"
      " sent_at = ?2, receipt_due_at = ?5, error_code = NULL, error_detail = NULL,"
      " carrier_code = NULL, cost_micros = ?7, cost_currency = ?8, match_key = ?9 WHERE id = ?6");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, Code(MsgStatus::kSent)).Bind(2, c.at_ms).Bind(3, c.carrier);
  stmt->Bind(4, int64_t{c.attempts}).Bind(5, c.receipt_due_ms).Bind(6, c.message_id);
  BindPrice(*stmt, 7, c.cost);
  if (in_row) {
    stmt->Bind(9, c.segments[0].match_key);
  } else {
    stmt->BindNull(9);
  }
  if (auto s = stmt->Send(); !s.ok()) return s.error();
  if (batch != nullptr) {
    batch->NoteStatus(c.message_id, MsgStatus::kSent);
    if (in_row) batch->NoteSubmitter({c.carrier, c.segments[0].match_key}, Submitter{c.message_id, true});
  }
  if (auto s = Announce(db, batch, c.message_id, cur, MsgStatus::kSent, c.at_ms, c.carrier, std::nullopt,
                        c.detail, effects);
      !s.ok()) {
    return s.error();
  }
  effects.pending_delta += model::WaitingDelta(cur.status, MsgStatus::kSent);
  return ChangeOutcome::kApplied;
}

// The message a carrier id belongs to: a single-segment message's row first (most
// receipts), then the submits table (segments of longer messages, rows from before
// migration 9). "" if neither.
Result<std::string> FindSubmitter(Connection& db, DeliveryBatch* batch, const ReceiptIn& r, bool& in_row) {
  if (batch != nullptr) {
    if (const Submitter* known = batch->SubmitterOf({r.carrier, r.match_key})) {
      in_row = known->in_row;
      return known->message_id;
    }
  }
  for (const char* sql : {"SELECT id FROM messages WHERE carrier = ? AND match_key = ?",
                          "SELECT message_id FROM submits WHERE carrier = ? AND match_key = ?"}) {
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.take_error();
    stmt->Bind(1, r.carrier).Bind(2, r.match_key);
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (*row) return stmt->Text(0);
    in_row = false;
  }
  return std::string();
}

}  // namespace

Result<ReceiptResult> ApplyReceipt(Connection& db, DeliveryBatch* batch, const ReceiptIn& r, WriteEffects& effects) {
  bool in_row = true;
  auto message_id = FindSubmitter(db, batch, r, in_row);
  if (!message_id.ok()) return message_id.take_error();
  if (!message_id->empty()) return ApplyMatched(db, batch, *message_id, r, in_row, effects);
  auto park = db.Prepare(
      "INSERT INTO receipts_parked (carrier, match_key, carrier_id, status, carrier_code, at)"
      " VALUES (?,?,?,?,?,?)");
  if (!park.ok()) return park.take_error();
  park->Bind(1, r.carrier).Bind(2, r.match_key).Bind(3, r.carrier_id).Bind(4, Code(r.status));
  park->Bind(5, r.carrier_code).Bind(6, r.at_ms);
  if (auto s = park->Send(); !s.ok()) return s.error();
  if (batch != nullptr) batch->NoteParked(r);
  return ReceiptResult{ReceiptResult::Kind::kParked, {}, MsgStatus::kSent};
}

namespace {

Result<ChangeOutcome> Decide(Connection& db, DeliveryBatch* batch, const StatusChange& c, const Current& cur,
                             bool& in_row, WriteEffects& effects) {
  switch (model::DecideChange(cur.status, c.status, c.only_from)) {
    case model::ChangeVerdict::kIgnore:
      return ChangeOutcome::kIgnored;
    case model::ChangeVerdict::kRecordAttempt:
      return ApplyRetryWait(db, c);
    case model::ChangeVerdict::kMove:
      break;
  }
  if (c.status == MsgStatus::kSent) return ApplySent(db, batch, c, cur, in_row, effects);
  if (auto s = Transition(db, batch, c.message_id, cur, c.status, c.at_ms, c.carrier, c.error, c.detail,
                          c.attempts, effects);
      !s.ok()) {
    return s.error();
  }
  effects.pending_delta += model::WaitingDelta(cur.status, c.status);
  return ChangeOutcome::kApplied;
}

// Steps a statement selecting (id, dst, priority, created_at, attempts) to its end.
Result<std::vector<QueuedRef>> ReadQueuedRefs(Statement& stmt) {
  std::vector<QueuedRef> out;
  for (;;) {
    auto row = stmt.Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(QueuedRef{stmt.Text(0), stmt.Text(1), static_cast<model::Priority>(stmt.Int(2)), stmt.Int(3),
                            static_cast<int>(stmt.Int(4))});
  }
}

}  // namespace

Result<ChangeResult> ApplyChange(Connection& db, DeliveryBatch* batch, const StatusChange& c, WriteEffects& effects) {
  auto current = Lookup(db, batch, c.message_id);
  if (!current.ok()) return current.take_error();
  if (!current->has_value()) return ChangeResult{};
  const Current& cur = **current;
  ChangeResult result{ChangeOutcome::kIgnored, std::nullopt, cur.created_at_ms};
  bool in_row = false;
  auto outcome = Decide(db, batch, c, cur, in_row, effects);
  if (!outcome.ok()) return outcome.take_error();
  result.outcome = *outcome;
  // Whatever became of the status, what the carrier accepted is recorded: a retry must
  // not resend it, and its receipts must find their message.
  if (!c.segments.empty()) {
    if (auto s = RecordSegments(db, batch, c, in_row, effects, result.settled); !s.ok()) return s.error();
  }
  return result;
}

Result<ChangeResult> ApplyStatusChange(Connection& db, StatusChange& c, WriteEffects& effects) {
  return ApplyChange(db, nullptr, c, effects);
}

// ---------------------------------------------------------------------------------------
// Writes: gathered into one job per commit (delivery_job.h).

void SqlStore::RecordChanges(std::vector<StatusChange> changes, ChangesCallback done) {
  delivery_jobs_.AddChanges(*writer_, std::move(changes), std::move(done));
}

void SqlStore::ApplyReceipts(std::vector<ReceiptIn> receipts, ReceiptsCallback done) {
  delivery_jobs_.AddReceipts(*writer_, std::move(receipts), std::move(done));
}

void SqlStore::CompleteWebhooks(std::vector<WebhookDone> done, StatusCallback callback) {
  auto apply = [done = std::move(done)](Connection& db) -> Status {
    // Nothing reads a delivered event again: its row goes, so the outbox holds only what is
    // still to be sent or was given up, not two rows per message until retention. In
    // statements of up to 64 rows: on PostgreSQL each statement is a round trip.
    constexpr size_t kPerStatement = 64;
    std::vector<const std::string*> delivered;
    for (const WebhookDone& d : done) {
      if (d.delivered) delivered.push_back(&d.event_id);
    }
    for (size_t at = 0; at < delivered.size(); at += kPerStatement) {
      const size_t n = std::min(kPerStatement, delivered.size() - at);
      std::string sql = "DELETE FROM webhooks WHERE event_id IN (?";
      for (size_t i = 1; i < n; ++i) sql += ", ?";
      auto gone = db.Prepare(sql + ")");
      if (!gone.ok()) return gone.take_error();
      for (size_t i = 0; i < n; ++i) gone->Bind(static_cast<int>(i + 1), *delivered[at + i]);
      if (auto s = gone->Send(); !s.ok()) return s;
    }
    for (const WebhookDone& d : done) {
      if (d.delivered) continue;
      // A failed attempt: retried at next_at, or given up (next_at 0) and kept as state 2.
      auto stmt = db.Prepare(
          // The cast: compared with 0 first, PostgreSQL would take the time for a 32-bit integer.
          "UPDATE webhooks SET attempts = attempts + 1, state = CASE WHEN CAST(?1 AS BIGINT) = 0 THEN 2 ELSE 0 END,"
          " next_at = CASE WHEN ?1 = 0 THEN next_at ELSE ?1 END WHERE event_id = ?2");
      if (!stmt.ok()) return stmt.take_error();
      stmt->Bind(1, d.next_at_ms).Bind(2, d.event_id);
      if (auto s = stmt->Send(); !s.ok()) return s;
    }
    return Status::Ok();
  };
  writer_->Submit(std::make_unique<StatusJob>(std::move(apply), std::move(callback)));
}

// ---------------------------------------------------------------------------------------
// Reads

Result<std::optional<DeliveryRecord>> SqlStore::GetForDelivery(const std::string& id) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT id, account, src, dst, dst_region, body, status, type, priority, encoding,"
      " segments, attempts, created_at, expires_at, compliance_reply, body_key FROM messages"
      " WHERE id = ?");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<DeliveryRecord>();
  DeliveryRecord d;
  d.id = stmt->Text(0);
  d.account = stmt->Text(1);
  d.from = stmt->Text(2);
  d.to = stmt->Text(3);
  d.to_region = stmt->Text(4);
  auto body = OpenBody(*cipher_, stmt->Text(5), stmt->Int(15), MessageBodyContext(d.id));
  if (!body.ok()) {
    // The message stays queued: a key ring that lost a key is fixed by restoring it.
    return Error::Of("storage_error", fmt::format("message {}: {}", d.id, body.error().detail));
  }
  d.body = std::move(*body);
  d.status = static_cast<MsgStatus>(stmt->Int(6));
  d.type = static_cast<model::MessageType>(stmt->Int(7));
  d.priority = static_cast<model::Priority>(stmt->Int(8));
  d.encoding = static_cast<model::Encoding>(stmt->Int(9));
  d.segments = static_cast<int>(stmt->Int(10));
  d.attempts = static_cast<int>(stmt->Int(11));
  d.created_at_ms = stmt->Int(12);
  d.expires_at_ms = stmt->Int(13);
  d.compliance_reply = stmt->Text(14);
  // Only a multipart message that failed an attempt can have segments accepted already.
  if (d.segments > 1 && d.attempts > 0) {
    auto accepted = (*reader)->Prepare(
        "SELECT DISTINCT segment FROM submits WHERE message_id = ? AND segment >= 0 ORDER BY segment");
    if (!accepted.ok()) return accepted.take_error();
    accepted->Bind(1, d.id);
    for (;;) {
      auto next = accepted->Step();
      if (!next.ok()) return next.take_error();
      if (!*next) break;
      d.accepted_segments.push_back(static_cast<int>(accepted->Int(0)));
    }
  }
  return std::optional<DeliveryRecord>(std::move(d));
}

Result<std::vector<QueuedRef>> SqlStore::ListQueued(
    std::optional<std::pair<int64_t, std::string>> after, int limit) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT id, dst, priority, created_at, attempts FROM messages WHERE status <= 1"
      " AND (created_at > ?1 OR (created_at = ?1 AND id > ?2)) ORDER BY created_at, id LIMIT ?3");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, after ? after->first : int64_t{-1}).Bind(2, after ? after->second : std::string());
  stmt->Bind(3, int64_t{limit});
  return ReadQueuedRefs(*stmt);
}

Result<std::vector<QueuedRef>> SqlStore::ListDueScheduled(int64_t now_ms, int limit) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT id, dst, priority, created_at, attempts FROM messages WHERE status = 7 AND send_at <= ?1"
      " ORDER BY send_at LIMIT ?2");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, now_ms).Bind(2, int64_t{limit});
  return ReadQueuedRefs(*stmt);
}

Result<std::vector<std::string>> SqlStore::ListReceiptOverdue(int64_t now_ms, int limit) {
  return Ids("SELECT id FROM messages WHERE status = 2 AND receipt_due_at <= ? ORDER BY receipt_due_at LIMIT ?",
             now_ms, limit);
}

Result<std::vector<std::string>> SqlStore::ListExpiredQueued(int64_t now_ms, int limit) {
  return Ids("SELECT id FROM messages WHERE status <= 1 AND expires_at <= ? LIMIT ?", now_ms, limit);
}

Result<std::vector<std::string>> SqlStore::Ids(std::string_view sql, int64_t now_ms, int limit) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(sql);
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, now_ms).Bind(2, int64_t{limit});
  return FirstColumnTexts(*stmt);
}

namespace {

// The inbound message of an outbox row (columns 16-19 of DueWebhooks). A body that no
// longer opens (its data key gone) is sent empty rather than holding the outbox back.
InboundEvent InboundEventOf(const Statement& row, const std::string& inbound_id,
                            const crypto::Cipher& cipher) {
  auto text = OpenBody(cipher, row.Text(18), row.Int(19), InboundBodyContext(inbound_id));
  if (!text.ok()) log::WarnFor("store", inbound_id, "inbound body unreadable: {}", text.error().code);
  return InboundEvent{row.Text(16), row.Text(17), text.ok() ? std::move(*text) : std::string()};
}

}  // namespace

Result<std::vector<WebhookJob>> SqlStore::DueWebhooks(int64_t now_ms, int limit,
                                                         const std::vector<std::string>& skip_accounts) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  // One placeholder per skipped account: there are few (the dispatcher's slots divided by
  // the slots one account may take), and each count is a statement of its own.
  std::string skip;
  for (size_t i = 0; i < skip_accounts.size(); ++i) skip += i == 0 ? "?3" : fmt::format(",?{}", i + 3);
  // A status event's row joins its message; an inbound event's (w.inbound = 1) its
  // inbound message, and carries its own URL. A row whose message is gone is left out.
  auto stmt = (*reader)->Prepare(fmt::format(
      "SELECT w.event_id, w.message_id, COALESCE(m.account, i.account),"
      " COALESCE(w.url, m.callback_url), w.status, w.previous_status, w.at, w.carrier, w.error_code,"
      " w.error_detail, w.carrier_code, COALESCE(m.segments, 1), COALESCE(m.client_ref, ''),"
      " w.attempts, COALESCE(m.created_at, w.at), w.inbound, i.src, i.dst, i.body, i.body_key"
      " FROM webhooks w LEFT JOIN messages m ON w.inbound = 0 AND m.id = w.message_id"
      " LEFT JOIN inbound i ON w.inbound = 1 AND i.id = w.message_id"
      " WHERE w.state = 0 AND w.next_at <= ?1 AND (m.id IS NOT NULL OR i.id IS NOT NULL)"
      " AND substr(COALESCE(w.url, m.callback_url), 1, 5) <> 'smpp:'{}"
      " ORDER BY w.next_at LIMIT ?2",
      skip.empty() ? "" : " AND COALESCE(m.account, i.account) NOT IN (" + skip + ")"));
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, now_ms).Bind(2, int64_t{limit});
  for (size_t i = 0; i < skip_accounts.size(); ++i) stmt->Bind(static_cast<int>(i + 3), skip_accounts[i]);
  std::vector<WebhookJob> jobs;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    WebhookJob j;
    j.event_id = stmt->Text(0);
    j.message_id = stmt->Text(1);
    j.account = stmt->Text(2);
    j.url = stmt->Text(3);
    j.status = static_cast<MsgStatus>(stmt->Int(4));
    j.previous_status = static_cast<MsgStatus>(stmt->Int(5));
    j.at_ms = stmt->Int(6);
    j.carrier = stmt->Text(7);
    if (!stmt->IsNull(8)) j.error = MessageError{stmt->Text(8), stmt->Text(9), stmt->Text(10)};
    j.segments = static_cast<int>(stmt->Int(11));
    j.client_ref = stmt->Text(12);
    j.attempts = static_cast<int>(stmt->Int(13));
    j.created_at_ms = stmt->Int(14);
    if (stmt->Int(15) != 0) j.inbound = InboundEventOf(*stmt, j.message_id, *cipher_);
    jobs.push_back(std::move(j));
  }
  return jobs;
}

void SqlStore::SetWebhookListener(WebhookListener listener) {
  common::MutexLock lock(listener_mutex_);
  webhook_listener_ = std::move(listener);
}

std::function<void(WriteEffects&&)> SqlStore::Durable() {
  return [this](WriteEffects&& effects) {
    if (effects.pending_delta != 0) pending_.fetch_add(effects.pending_delta, std::memory_order_relaxed);
    if (effects.announced.empty()) return;
    common::MutexLock lock(listener_mutex_);
    if (webhook_listener_) webhook_listener_(std::move(effects.announced));
  };
}

Result<int64_t> SqlStore::PendingWebhooks() { return CountWhere("webhooks", "state = 0"); }
Result<int64_t> SqlStore::UnmatchedReceipts() { return CountWhere("receipts_parked", "1 = 1"); }

Result<int64_t> SqlStore::CountWhere(std::string_view table, std::string_view where) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(fmt::format("SELECT count(*) FROM {} WHERE {}", table, where));
  if (!stmt.ok()) return stmt.take_error();
  if (auto row = stmt->Step(); !row.ok()) return row.take_error();
  return stmt->Int(0);
}

}  // namespace deliverer::store::sql
