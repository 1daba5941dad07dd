// SqlStore: the receipts due to producers' SMPP binds (docs/smpp-server.md "Receipts"),
// outbox rows of messages whose callback_url is a ProducerReceiptUrl (records.h).
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace deliverer::store::sql {

using MsgStatus = model::Status;

Result<std::vector<ProducerReceiptJob>> SqlStore::DueProducerReceipts(const std::string& system_id, int64_t now_ms,
                                                                        int limit) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT w.event_id, w.message_id, m.account, m.callback_url, m.src, m.dst, w.status,"
      " w.error_code, w.error_detail, w.carrier_code, m.segments, m.created_at, w.at, w.attempts,"
      " m.body, m.body_key"
      " FROM webhooks w JOIN messages m ON w.inbound = 0 AND m.id = w.message_id"
      " WHERE w.state = 0 AND w.next_at <= ?4 AND m.callback_url IN (?1, ?2)"
      " ORDER BY w.at, w.event_id LIMIT ?3");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, ProducerReceiptUrl(system_id, false)).Bind(2, ProducerReceiptUrl(system_id, true));
  stmt->Bind(3, int64_t{limit}).Bind(4, now_ms);
  std::vector<ProducerReceiptJob> jobs;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return jobs;
    ProducerReceiptJob j;
    j.event_id = stmt->Text(0);
    j.message_id = stmt->Text(1);
    j.account = stmt->Text(2);
    j.failures_only = stmt->Text(3) == ProducerReceiptUrl(system_id, true);
    j.from = stmt->Text(4);
    j.to = stmt->Text(5);
    j.status = static_cast<MsgStatus>(stmt->Int(6));
    if (!stmt->IsNull(7)) j.error = MessageError{stmt->Text(7), stmt->Text(8), stmt->Text(9)};
    j.segments = static_cast<int>(stmt->Int(10));
    j.submitted_at_ms = stmt->Int(11);
    j.done_at_ms = stmt->Int(12);
    j.attempts = static_cast<int>(stmt->Int(13));
    // The receipt quotes the text's start; a body that no longer opens is quoted empty.
    if (!stmt->IsNull(14)) {
      auto text = OpenBody(*cipher_, stmt->Text(14), stmt->Int(15), MessageBodyContext(j.message_id));
      if (text.ok()) j.text = std::move(*text);
    }
    jobs.push_back(std::move(j));
  }
}

Result<std::vector<ProducerInboundJob>> SqlStore::DueProducerInbound(const std::string& account, int64_t now_ms,
                                                                      int limit) {
  auto reader = Borrow();
  if (!reader.ok()) return reader.take_error();
  auto stmt = (*reader)->Prepare(
      "SELECT w.event_id, i.id, i.src, i.dst, i.body, i.body_key, i.at, w.attempts"
      " FROM webhooks w JOIN inbound i ON w.inbound = 1 AND i.id = w.message_id"
      " WHERE w.state = 0 AND w.next_at <= ?2 AND w.url = ?1 ORDER BY w.at, w.event_id LIMIT ?3");
  if (!stmt.ok()) return stmt.take_error();
  stmt->Bind(1, ProducerInboundUrl(account)).Bind(2, now_ms).Bind(3, int64_t{limit});
  std::vector<ProducerInboundJob> jobs;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.take_error();
    if (!*row) return jobs;
    ProducerInboundJob j;
    j.event_id = stmt->Text(0);
    j.inbound_id = stmt->Text(1);
    j.from = stmt->Text(2);
    j.to = stmt->Text(3);
    // A body that no longer opens (its key gone, or erased) goes out empty rather than
    // holding the queue back.
    auto text = OpenBody(*cipher_, stmt->Text(4), stmt->Int(5), InboundBodyContext(j.inbound_id));
    if (text.ok()) j.text = std::move(*text);
    j.at_ms = stmt->Int(6);
    j.attempts = static_cast<int>(stmt->Int(7));
    jobs.push_back(std::move(j));
  }
}

}  // namespace deliverer::store::sql
