// MemoryStore: erasure on request (docs/reliability.md S10), the steps of
// store/sql/erase.cc over maps, in one write with its audit entry.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/lifecycle.h"
#include "store/erasure_rules.h"
#include "store/memory/memory_state.h"

namespace deliverer::store::memory {
namespace {

// Free text a producer or carrier supplied may quote the number: both forms are cut out,
// the E.164 one first (it holds the other), each occurrence once, as SQL's replace() does.
void Scrub(std::string& text, const NumberForms& forms) {
  for (const std::string& form : {forms.e164, forms.digits}) {
    for (size_t at = text.find(form); at != std::string::npos;
         at = text.find(form, at + kErased.size())) {
      text.replace(at, form.size(), kErased);
    }
  }
}

// Queued and scheduled messages to the number will not be sent (model/lifecycle.h).
int64_t RejectQueued(MemoryState& state, const NumberForms& forms, int64_t now_ms,
                     int64_t& pending_delta) {
  int64_t rejected = 0;
  for (const auto& [id, m] : state.messages) {
    if (!forms.Matches(m.record.to)) continue;
    auto change = ErasureChange(id, m.record.status, now_ms);
    if (change && ApplyStatusChange(state, *change, pending_delta).applied()) ++rejected;
  }
  return rejected;
}

void Pseudonymise(StoredMessage& m, const NumberForms& forms) {
  MessageRecord& record = m.record;
  NewMessage& input = m.input;
  for (std::string* number : {&record.to, &record.from, &input.to, &input.from}) {
    if (forms.Matches(*number)) *number = kErased;
  }
  input.body.clear();
  // Even keyed, the payload hash would confirm a guess of the number and body; an
  // idempotent replay of an erased message now conflicts.
  input.payload_hash = kErased;
  for (std::string* text : {&record.client_ref, &input.client_ref, &input.callback_url}) {
    Scrub(*text, forms);
  }
  if (record.error) Scrub(record.error->detail, forms);
  for (MessageEvent& event : record.events) Scrub(event.detail, forms);
}

// Messages to the number, and from it (a producer may send on a subscriber's behalf).
int64_t PseudonymiseMessages(MemoryState& state, const NumberForms& forms) {
  int64_t erased = 0;
  for (auto& [id, m] : state.messages) {
    if (!forms.Matches(m.record.to) && !forms.Matches(m.record.from)) continue;
    Pseudonymise(m, forms);
    ++erased;
  }
  return erased;
}

int64_t PseudonymiseInbound(MemoryState& state, const NumberForms& forms) {
  int64_t erased = 0;
  for (auto& [id, in] : state.inbound) {
    const bool from = forms.Matches(in.from);
    const bool to = forms.Matches(in.to);
    if (!from && !to) continue;
    if (from) in.from = kErased;
    if (to) in.to = kErased;
    in.body.clear();
    ++erased;
  }
  return erased;
}

// The opt-outs move under ErasedNumber, unique per account as the number was, and keep
// holding there. An entry erased before (the person opted out again since) gives way.
int64_t PseudonymiseSuppressions(MemoryState& state, const NumberForms& forms) {
  std::vector<Suppression> kept;
  std::erase_if(state.suppressions, [&](auto& entry) {
    if (entry.first.second != forms.e164) return false;
    kept.push_back(std::move(entry.second));
    return true;
  });
  const std::string erased = ErasedNumber(state, forms.e164);
  for (Suppression& s : kept) {
    s.number = erased;
    Scrub(s.reason, forms);
    std::pair key(s.account, erased);
    state.suppressions.insert_or_assign(std::move(key), std::move(s));
  }
  return static_cast<int64_t>(kept.size());
}

Result<EraseResult> Erase(MemoryState& state, const std::string& number, AuditEntry audit,
                          int64_t& pending_delta) {
  if (Status form = CheckErasable(number); !form.ok()) return form.error();
  const NumberForms forms(number);
  EraseResult r;
  r.rejected = RejectQueued(state, forms, audit.at_ms, pending_delta);
  r.messages = PseudonymiseMessages(state, forms);
  r.inbound = PseudonymiseInbound(state, forms);
  r.suppressions = PseudonymiseSuppressions(state, forms);
  AddAudit(state, std::move(audit));
  // No write-ahead log or file here keeps a copy of the rows as they were.
  r.log_truncated = true;
  return r;
}

}  // namespace

std::string ErasedNumber(const MemoryState& state, std::string_view number) {
  return std::string(kErased) + ":" + state.number_hasher.KeyedHash(number);
}

void MemoryStore::EraseNumber(std::string number, AuditEntry audit,
                              std::function<void(Result<EraseResult>)> done) {
  Submit([this, number = std::move(number), audit = std::move(audit),
          done = std::move(done)](State& state) mutable {
    int64_t pending_delta = 0;
    Result<EraseResult> result = Erase(state, number, std::move(audit), pending_delta);
    pending_.fetch_add(pending_delta, std::memory_order_relaxed);
    return std::function<void()>([done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  });
}

}  // namespace deliverer::store::memory
