#pragma once
// What a message just accepted reads as, the same in every backend: queued (or scheduled,
// with a send_at ahead), with that one event, created and updated at acceptance.
#include <algorithm>
#include <tuple>
#include <vector>

#include "store/delivery_records.h"

namespace deliverer::store {

// Stored `scheduled` until its send_at: one at or before acceptance goes out at once.
inline bool IsScheduled(const NewMessage& m) { return m.send_at_ms > m.created_at_ms; }

// As stored before a NewMessage::rejected end is applied to it.
inline MessageRecord AcceptedRecordOf(const NewMessage& m) {
  MessageRecord r;
  r.id = m.id;
  r.account = m.account;
  r.from = m.from;
  r.to = m.to;
  r.type = m.type;
  r.priority = m.priority;
  r.encoding = m.encoding;
  r.segments = m.segments;
  r.client_ref = m.client_ref;
  r.estimate = m.estimate;
  r.created_at_ms = r.updated_at_ms = m.created_at_ms;
  if (IsScheduled(m)) {
    r.status = model::Status::kScheduled;
    r.send_at_ms = m.send_at_ms;
  }
  r.events.push_back(MessageEvent{r.status, m.created_at_ms, {}, {}});
  return r;
}

// What the message reads as once stored.
inline MessageRecord RecordOf(const NewMessage& m) {
  MessageRecord r = AcceptedRecordOf(m);
  if (m.rejected) {
    r.status = model::Status::kRejected;
    r.done_at_ms = m.created_at_ms;
    r.error = m.rejected;
    r.events.push_back(MessageEvent{r.status, m.created_at_ms, {}, m.rejected->detail});
  }
  return r;
}

// The change that ends a message stored already rejected (NewMessage::rejected), applied
// by the backend in the commit that stores it, through the lifecycle like any other end.
inline StatusChange RejectionOf(const NewMessage& m) {
  StatusChange change;
  change.message_id = m.id;
  change.status = model::Status::kRejected;
  change.at_ms = m.created_at_ms;
  change.error = m.rejected;
  if (m.rejected) change.detail = m.rejected->detail;
  return change;
}

// When its TTL ends: counted from its release for a scheduled message.
inline int64_t ExpiresAtOf(const NewMessage& m) {
  return std::max(m.created_at_ms, m.send_at_ms) + int64_t{m.ttl_seconds} * 1000;
}

// The audit of sends (docs/api.md "Audit trail"): the messages one commit created are one
// `message.send` entry per key, account and source address, naming the first of them and
// counting them all. An entry per message made the audit table as large as the messages.
inline void AddSend(std::vector<AuditEntry>& entries, const NewMessage& m) {
  auto same = std::find_if(entries.begin(), entries.end(), [&m](const AuditEntry& e) {
    return std::tie(e.key_id, e.account, e.source_ip) == std::tie(m.key_id, m.account, m.source_ip);
  });
  if (same != entries.end()) {
    ++same->count;
    return;
  }
  entries.push_back(AuditEntry{0, m.created_at_ms, m.key_id, m.account, m.source_ip, "message.send", m.id, m.id});
}

}  // namespace deliverer::store
