#pragma once
// The SMPP codec: bytes <-> Pdu, framed by command_length. The middle of the three SMPP
// layers (docs/smpp-mapping.md): pure, no I/O, no clock, no exceptions, thread-compatible.
// Shaped like envoy's mongo_proxy codec: a pure Decode step, a streaming Decoder that
// reports through DecoderCallbacks, and an encoder (Encode).
//
// Decoding outcomes (docs/smpp-mapping.md "Codec contract"), each a value:
//   NeedMore       not enough bytes for a decision; nothing consumed. Read more.
//   Decoded        one PDU; consume `bytes_consumed` (== its command_length).
//   Malformed      framing is sound (16 <= command_length <= max, all bytes present) but
//                  the PDU is not: unknown command_id, a field past the end, a C-string
//                  without terminator or over its maximum, a bad sm_length or TLV. The
//                  header is known; consume `bytes_consumed` (== command_length), answer
//                  generic_nack (or the request's own *_resp) with `header.sequence_number`
//                  and `status`, and KEEP the bind.
//   BrokenFraming  command_length < 16 or > max_pdu_len: the stream cannot be resynchronised.
//                  Decided from the first 4 octets alone; nothing is allocated. DROP the
//                  connection (and reconnect with backoff).
//
// Bounds: nothing is allocated from a length read off the wire before it is checked
// against max_pdu_len and against the octets actually present; every allocation is
// therefore bounded by the size of the frame being decoded.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "smpp/pdu.h"

namespace deliverer::smpp {

// A PDU limit fit for message_payload carrying a long message; carriers may configure less.
inline constexpr size_t kDefaultMaxPduLength = 64 * 1024;

struct NeedMore {
  size_t min_total = 0;  // the buffer must hold at least this many octets to progress
  bool operator==(const NeedMore&) const = default;
};

struct Decoded {
  Pdu pdu;
  size_t bytes_consumed = 0;
};

struct Malformed {
  Header header;              // as read; command_length is the frame's length
  uint32_t status = 0;        // the SMPP command_status to answer with
  size_t bytes_consumed = 0;  // == header.command_length
  std::string_view field;     // the field at fault ("" when the header is), static
  std::string_view reason;    // for logs, static text
};

struct BrokenFraming {
  uint32_t command_length = 0;  // the value that broke framing
  std::string_view reason;      // for logs, static text
};

using DecodeResult = std::variant<NeedMore, Decoded, Malformed, BrokenFraming>;

// Decodes the first PDU at the start of `buffer`. Precondition: max_pdu_len >= 16
// (a smaller limit makes every frame BrokenFraming).
DecodeResult Decode(std::span<const uint8_t> buffer, size_t max_pdu_len = kDefaultMaxPduLength);

// The wire form of `pdu`, with command_length computed and command_id taken from the
// body (header.command_length and header.command_id are ignored).
// Precondition: Validate(pdu).ok() (asserted in debug builds). Every PDU that Decode
// returned satisfies it, and Encode reproduces its bytes exactly.
std::vector<uint8_t> Encode(const Pdu& pdu);
// The same, appended to `out`: a writer batching PDUs encodes straight into its buffer.
void EncodeTo(const Pdu& pdu, std::vector<uint8_t>& out);

// Receives the outcomes of a streaming Decoder. Callbacks run synchronously inside
// Decoder::OnData; they MUST NOT destroy the Decoder nor call OnData re-entrantly.
class DecoderCallbacks {
 public:
  virtual ~DecoderCallbacks() = default;
  virtual void OnPdu(Pdu&& pdu) = 0;
  // The frame has been skipped; answer generic_nack and continue.
  virtual void OnMalformed(const Malformed& malformed) = 0;
  // Fired once; the Decoder ignores all later data. Drop the connection.
  virtual void OnBrokenFraming(const BrokenFraming& broken) = 0;
};

// Reassembles PDUs from arbitrary read chunks. Buffers at most one incomplete frame
// (< max_pdu_len octets) between calls. Not thread-safe: one owner (the session's strand).
class Decoder {
 public:
  Decoder(DecoderCallbacks& callbacks, size_t max_pdu_len = kDefaultMaxPduLength)
      : callbacks_(callbacks), max_pdu_len_(max_pdu_len) {}

  void OnData(std::span<const uint8_t> data);
  size_t buffered() const { return buffer_.size(); }
  bool broken() const { return broken_; }

 private:
  // Dispatches every complete frame of `bytes`; returns how many octets were consumed.
  size_t DispatchAll(std::span<const uint8_t> bytes);

  DecoderCallbacks& callbacks_;
  size_t max_pdu_len_;
  std::vector<uint8_t> buffer_;
  bool broken_ = false;
};

}  // namespace deliverer::smpp
