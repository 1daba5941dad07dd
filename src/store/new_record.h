#pragma once
// What a message just accepted reads as, the same in every backend: queued, with its one
// `queued` event, created and updated at acceptance.
#include "store/records.h"

namespace deliverer::store {

inline MessageRecord RecordOf(const NewMessage& m) {
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
  r.events.push_back(MessageEvent{model::Status::kQueued, m.created_at_ms, {}, {}});
  return r;
}

}  // namespace deliverer::store
