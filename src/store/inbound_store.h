#pragma once
// Inbound (MO) messages: recorded by the delivery engine with their compliance effects,
// listed by the API.
// Contract: store/seam.h (asynchronous group-committed writes, callbacks after a durable
// commit on a store thread that MUST NOT block, synchronous thread-safe reads).
#include <functional>
#include <string>
#include <cstdint>
#include <vector>

#include "common/result.h"
#include "store/delivery_records.h"

namespace deliverer::store {

class InboundStore {
 public:
  virtual ~InboundStore() = default;

  // Records an inbound message and, in the same commit, its effects: a suppression put
  // or lifted (audited), and a compliance reply stored as a queued message unless one of
  // its kind went out within the window (that decision runs inside the commit, so two
  // MOs racing cannot both create one). The outcome names the reply created, which the
  // caller hands to the queue; start-up recovery republishes it if the process dies first.
  using InboundCallback = std::function<void(Result<InboundOutcome>)>;
  virtual void RecordInbound(InboundRecord inbound, InboundEffects effects, InboundCallback done) = 0;
  // The account that last sent to `subscriber` from `sender`, compliance replies left
  // out; "" when none.
  virtual Result<std::string> LastSenderAccount(const std::string& subscriber,
                                                const std::string& sender) = 0;
  // Inbound (MO) messages, newest first (at, then id), at most `query.limit`.
  virtual Result<std::vector<InboundRecord>> ListInbound(const InboundQuery& query) = 0;

  // Parts of concatenated MOs (docs/api.md "Inbound messages to producers"), and of
  // producers' concatenated submits (records.h kProducerPartsPrefix; docs/smpp-server.md
  // "Long messages"). Keeps `part` durably unless `max_pending` parts of the same owner
  // (records.h PartsOwner) are held already (then nothing is stored and the outcome says so); the callback comes after the commit, so the carrier's ack may wait
  // for it. A part whose sequence its set holds already is not stored again.
  using PartCallback = std::function<void(Result<InboundPartsHeld>)>;
  virtual void KeepInboundPart(InboundPart part, int64_t max_pending, PartCallback done) = 0;
  // `owner`'s sets whose first part arrived before `before_ms`, oldest first, at most
  // `max_sets`, each sorted by sequence. They stay until a RecordInbound (or, a producer's,
  // an InsertMessages) consumes them.
  virtual Result<std::vector<std::vector<InboundPart>>> ExpiredInboundParts(
      int64_t before_ms, int max_sets, PartsOwner owner = PartsOwner::kCarriers) = 0;
  // Parts held (for the gauge and tests).
  virtual Result<int64_t> PendingInboundParts() = 0;
};

}  // namespace deliverer::store
