#pragma once
// The audit of the sends of one commit (docs/storage-schema.md "`audit`"): insert jobs add
// the messages they created while the writer applies a batch, and the writer writes them,
// one entry per key, account and source address, just before its COMMIT, so a commit
// holds the audit of its sends and nothing else does. Writer thread only.
#include <vector>

#include "store/new_record.h"
#include "store/sql/rows.h"

namespace deliverer::store::sql {

class SendAuditBuffer {
 public:
  void Add(const NewMessage& m) { AddSend(entries_, m); }

  // Writes the entries and forgets them, whatever the outcome: a failure fails the batch,
  // whose transaction is rolled back with the messages the entries named.
  Status Flush(Connection& db) {
    std::vector<AuditEntry> entries;
    entries.swap(entries_);
    for (const AuditEntry& entry : entries) {
      if (Status s = InsertAudit(db, entry); !s.ok()) return s;
    }
    return Status::Ok();
  }

 private:
  std::vector<AuditEntry> entries_;
};

}  // namespace deliverer::store::sql
