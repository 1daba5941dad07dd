// SqlStore: inbound (MO) messages with their effects (suppressions, compliance
// replies; docs/reliability.md S11), who last wrote to a subscriber, and the inbound list.
#include <fmt/format.h>

#include "common/ids.h"
#include "common/mask.h"
#include "store/sql/jobs.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {
namespace {

using MsgStatus = model::Status;
using deliverer::Status;

Status InsertInbound(Connection& db, const InboundRecord& in, const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(
      "INSERT INTO inbound (id, carrier, src, dst, body, at, keyword_action, body_key,"
      " account) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  if (!stmt.ok()) return stmt.take_error();
  const std::string sealed = cipher.Seal(in.body, InboundBodyContext(in.id));
  stmt->Bind(1, in.id).Bind(2, in.carrier).Bind(3, in.from).Bind(4, in.to);
  stmt->BindBlob(5, sealed).Bind(6, in.at_ms).Bind(7, in.keyword_action);
  stmt->Bind(8, int64_t{crypto::SealedKeyId(sealed)});
  if (in.account.empty())
    stmt->BindNull(9);
  else
    stmt->Bind(9, in.account);
  return stmt->Run();
}

// The outbox row announcing an inbound message to its account's inbound_url (R11).
Status InsertInboundWebhook(Connection& db, const InboundRecord& in, const std::string& url) {
  auto stmt = db.Prepare(
      "INSERT INTO webhooks (event_id, message_id, status, previous_status, at, carrier, next_at,"
      " inbound, url) VALUES (?,?,0,0,?,?,?,1,?)");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, NewUuidV7(in.at_ms)).Bind(2, in.id).Bind(3, in.at_ms).Bind(4, in.carrier);
  stmt->Bind(5, in.at_ms).Bind(6, url);
  return stmt->Run();
}

AuditEntry MoAudit(const InboundRecord& in, const std::string& account, std::string action,
                   const std::string& number) {
  return AuditEntry{0, in.at_ms, "", account, "", std::move(action), MaskNumber(number), in.id};
}

// The global list's entry for `number`, only when an MO made it; false when none.
Result<bool> RemoveGlobalFromMo(Connection& db, const std::string& number,
                                const crypto::Cipher& cipher) {
  auto stmt = db.Prepare(
      "DELETE FROM suppressions WHERE account = '' AND number_hash = ? AND source = 'mo'");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, NumberHash(cipher, number));
  if (auto s = stmt->Run(); !s.ok()) return s.error();
  return db.Changes() > 0;
}

Status ApplyLift(Connection& db, const InboundRecord& in, const SuppressionLift& lift,
                 const crypto::Cipher& cipher) {
  if (!lift.account.empty()) {
    auto removed = RemoveSuppression(db, lift.account, lift.number, cipher);
    if (!removed.ok()) return removed.error();
    if (*removed) {
      if (auto s = InsertAudit(db, MoAudit(in, lift.account, "suppression.delete", lift.number));
          !s.ok()) {
        return s;
      }
    }
  }
  auto removed = RemoveGlobalFromMo(db, lift.number, cipher);
  if (!removed.ok()) return removed.error();
  if (!*removed) return Status::Ok();
  return InsertAudit(db, MoAudit(in, "", "suppression.delete", lift.number));
}

Status ApplySuppressionEffects(Connection& db, const InboundRecord& in, const InboundEffects& fx,
                               const crypto::Cipher& cipher) {
  if (fx.suppress) {
    if (auto s = UpsertSuppression(db, *fx.suppress, cipher); !s.ok()) return s;
    return InsertAudit(db,
                       MoAudit(in, fx.suppress->account, "suppression.put", fx.suppress->number));
  }
  if (fx.lift) return ApplyLift(db, in, *fx.lift, cipher);
  return Status::Ok();
}

// Stores the reply as a queued message, unless one of its kind went to the subscriber for
// the account within the window (then nullopt).
Result<std::optional<QueuedRef>> InsertReply(Connection& db, const ComplianceReply& reply,
                                             const std::string& inbound_id,
                                             const crypto::Cipher& cipher) {
  const NewMessage& m = reply.message;
  auto recent = db.Prepare(
      "SELECT 1 FROM messages WHERE dst = ? AND account = ? AND compliance_reply = ?"
      " AND created_at >= ? LIMIT 1");
  if (!recent.ok()) return recent.take_error();
  recent->Bind(1, m.to).Bind(2, m.account).Bind(3, m.compliance_reply).Bind(4, reply.not_since_ms);
  auto found = recent->Step();
  if (!found.ok()) return found.take_error();
  if (*found) return std::optional<QueuedRef>();
  // A reply's id is new (delivery/inbound_plan.cc): never stored already in practice.
  auto inserted = InsertMessageRow(db, m, cipher);
  if (!inserted.ok()) return inserted.take_error();
  if (!*inserted) return std::optional<QueuedRef>();
  if (auto s = InsertAudit(db, AuditEntry{0, m.created_at_ms, "compliance", m.account, "",
                                          "message.send", m.id, inbound_id});
      !s.ok()) {
    return s.error();
  }
  return std::optional<QueuedRef>(QueuedRef{m.id, m.to, m.priority, m.created_at_ms, 0});
}

Result<InboundRecord> ReadInbound(const Statement& row, const crypto::Cipher& cipher) {
  InboundRecord in{row.Text(0), row.Text(1), row.Text(2), row.Text(3), {}, row.Int(5), row.Text(6),
                   row.IsNull(8) ? std::string() : row.Text(8)};
  auto body = OpenBody(cipher, row.Text(4), row.Int(7), InboundBodyContext(in.id));
  if (!body.ok()) {
    return Error::Of("storage_error",
                     fmt::format("inbound message {}: {}", in.id, body.error().detail));
  }
  in.body = std::move(*body);
  return in;
}

}  // namespace

void SqlStore::RecordInbound(InboundRecord inbound, InboundEffects effects,
                                InboundCallback done) {
  auto apply = [in = std::move(inbound), fx = std::move(effects),
                &cipher = *cipher_](Connection& db) -> Result<InboundOutcome> {
    if (fx.consumes) {
      auto consumed = ConsumeParts(db, *fx.consumes);
      if (!consumed.ok()) return consumed.take_error();
      if (!*consumed) return InboundOutcome{.already_recorded = true};
    }
    if (auto s = InsertInbound(db, in, cipher); !s.ok()) return s.error();
    if (!fx.forward_url.empty() && !in.account.empty()) {
      if (auto s = InsertInboundWebhook(db, in, fx.forward_url); !s.ok()) return s.error();
    }
    if (fx.forward_smpp && !in.account.empty()) {
      if (auto s = InsertInboundWebhook(db, in, ProducerInboundUrl(in.account)); !s.ok()) return s.error();
    }
    if (auto s = ApplySuppressionEffects(db, in, fx, cipher); !s.ok()) return s.error();
    InboundOutcome outcome;
    if (fx.reply) {
      auto reply = InsertReply(db, *fx.reply, in.id, cipher);
      if (!reply.ok()) return reply.take_error();
      outcome.reply = std::move(*reply);
    }
    return outcome;
  };
  auto counted = [this, done = std::move(done)](Result<InboundOutcome> result) {
    if (result.ok() && result->reply) pending_.fetch_add(1, std::memory_order_relaxed);
    done(std::move(result));
  };
  writer_->Submit(std::make_unique<ValueJob<InboundOutcome>>(std::move(apply), std::move(counted)));
}

Result<std::string> SqlStore::LastSenderAccount(const std::string& subscriber,
                                                   const std::string& sender) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT account FROM messages WHERE dst = ? AND src = ? AND compliance_reply = ''"
      " ORDER BY created_at DESC LIMIT 1");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, subscriber).Bind(2, sender);
  auto row = stmt->Step();
  if (!row.ok()) return row.take_error();
  return *row ? stmt->Text(0) : std::string();
}

Result<std::vector<InboundRecord>> SqlStore::ListInbound(const InboundQuery& query) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  // Newest first, continuing strictly below the previous page's last (at, id).
  auto stmt = (*reader)->Prepare(fmt::format(
      "SELECT id, carrier, src, dst, body, at, keyword_action, body_key, account FROM inbound"
      " WHERE {} AND (CAST(?5 AS TEXT) IS NULL OR account = ?5)"
      " AND (CAST(?2 AS BIGINT) IS NULL OR at < ?2 OR (at = ?2 AND id < ?3)) ORDER BY at DESC, id DESC LIMIT ?4",
      // The casts: a parameter only tested for NULL has no type PostgreSQL can infer.
      query.keyword_action ? "keyword_action = ?1" : "CAST(?1 AS TEXT) IS NULL"));
  if (!stmt.ok()) return stmt.take_error();
  if (query.keyword_action)
    stmt->Bind(1, *query.keyword_action);
  else
    stmt->BindNull(1);
  if (query.after)
    stmt->Bind(2, query.after->first).Bind(3, query.after->second);
  else
    stmt->BindNull(2).BindNull(3);
  stmt->Bind(4, int64_t{query.limit});
  if (query.account)
    stmt->Bind(5, *query.account);
  else
    stmt->BindNull(5);
  std::vector<InboundRecord> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    auto in = ReadInbound(*stmt, *cipher_);
    if (!in.ok()) return in.take_error();
    out.push_back(std::move(*in));
  }
}

}  // namespace deliverer::store::sql
