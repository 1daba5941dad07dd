#pragma once
// The Carrier seam: one carrier connection (SMPP binds, or an HTTP API) as the delivery
// engine sees it. Two implementations: carriers/smpp/ and carriers/http/. The engine
// includes this header only; server/ builds the concrete carriers from config.
//
// Threading: a carrier runs on the executor it was created with (the delivery thread);
// Start, Stop, CanSubmit, Submit and State must be called there, and every callback
// (SubmitCallback, CarrierListener) runs there too. The `ack` functions handed to the
// listener may be called from any thread.
//
// Contract: every Submit gets exactly one SubmitCallback, also when the link drops or the
// carrier stops (then kUnknown for what was written, kNotSent for what was not).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/message.h"
#include "text/text.h"

namespace deliverer::carriers {

enum class SenderKind : uint8_t { kAlphanumeric, kE164, kShortCode };
// Decided from a sender that passed validation: "+…" E.164, digits a short code.
SenderKind SenderKindOf(std::string_view from);

struct CarrierSubmit {
  std::string message_id;  // correlation for logs
  std::string from;
  std::string to;          // E.164 with '+'
  std::string text;        // the whole text, UTF-8 (HTTP carriers segment it themselves): the
                           // body, or what smart encoding made of it (text::OutgoingText)
  model::Encoding encoding = model::Encoding::kGsm7;
  bool flash = false;
  std::vector<text::Segment> segments;  // each with its UDH when concatenated
  int64_t validity_s = 0;               // remaining TTL; 0 = the carrier's default
  bool want_receipt = true;
};

struct AcceptedSegment {
  // The whole message under one carrier id (HTTP carriers): one receipt completes it.
  static constexpr int kWholeMessage = -1;
  int index = 0;  // the segment, or kWholeMessage
  std::string carrier_id;  // as the carrier wrote it
  std::string match_key;   // the key receipts are matched by (receipts/carrier_id.h)
};

struct SubmitReport {
  enum class Kind : uint8_t {
    kAccepted,   // every segment accepted
    kPermanent,  // the carrier refused for good (e.g. 0x0B invalid destination)
    kTransient,  // refused for now (e.g. 0x58 throttled beyond the retries, 0x08)
    kUnknown,    // written but unanswered (timeout, link lost): it may be at the carrier
    kNotSent,    // nothing was written: safe to send elsewhere at once
  };
  Kind kind = Kind::kNotSent;
  std::vector<AcceptedSegment> accepted;  // also for partial outcomes
  std::string carrier_code;               // "0x0000000B" for SMPP, the HTTP status otherwise
  std::string detail;                     // for logs and the message's error detail
};
std::string_view ToString(SubmitReport::Kind kind);

using SubmitCallback = std::function<void(SubmitReport)>;
using Ack = std::function<void(bool recorded)>;

// Built by CarrierReceiptOf (carriers/carrier_receipt.h) for every carrier kind.
struct CarrierReceipt {
  std::string carrier_id;
  std::string match_key;
  // delivered / expired / failed / rejected; kSent for intermediate or unknown states.
  model::Status status = model::Status::kSent;
  std::string carrier_code;  // "DELIVRD/000"
};

// Where a part of a concatenated MO sits in its set (UDH IEI 0x00/0x08 or SAR TLVs).
struct InboundConcat {
  uint32_t reference = 0;
  int total = 0;     // ≥ 2: a "set" of one is a whole message and carries no InboundConcat
  int sequence = 0;  // 1..total
};

struct CarrierInbound {
  std::string from;  // the subscriber, E.164 with '+' when it reads as one
  std::string to;    // our number or short code
  std::string text;  // UTF-8; a part's own text when `part` is set
  std::optional<InboundConcat> part;  // a part of a concatenated MO, reassembled by the engine
};

class CarrierListener {
 public:
  virtual ~CarrierListener() = default;
  // `ack(true)` once the receipt is durable; ack(false) makes the carrier resend it.
  virtual void OnReceipt(const std::string& carrier, CarrierReceipt receipt, Ack ack) = 0;
  virtual void OnInbound(const std::string& carrier, CarrierInbound inbound, Ack ack) = 0;
  // Binds up changed (0 = the link is down: the circuit breaker hears of it).
  virtual void OnLinkChange(const std::string& carrier, int links_up) = 0;
};

struct CarrierState {
  std::string id;
  std::string protocol;
  int links_up = 0;
  int links = 0;
  double tps_limit = 0;    // configured; 0 = unlimited
  double tps_current = 0;  // after adaptive slow-down; 0 = unlimited
  size_t in_flight = 0;
  uint64_t submitted = 0, accepted = 0, failed = 0;
};

class Carrier {
 public:
  virtual ~Carrier() = default;
  virtual const std::string& id() const = 0;
  virtual void Start() = 0;
  // Stops taking submits, lets in-flight ones finish within `drain`, closes; then `done`.
  virtual void Stop(Millis drain, std::function<void()> done) = 0;
  // Whether a Submit now would be written (a link is up with room in its window).
  virtual bool CanSubmit() const = 0;
  virtual void Submit(CarrierSubmit submit, SubmitCallback done) = 0;
  virtual CarrierState State() const = 0;
};

}  // namespace deliverer::carriers
