#pragma once
// The record of every submit_sm the simulator received (docs/simulator.md "The record"):
// one JSON line each, so a test can compare what arrived with what was accepted.
//
// The content helpers and RecordLine are pure and thread-safe. RecordWriter buffers lines
// and writes them with write(2) when Flush is called or the buffer passes 64 KiB; it is
// not thread-safe (one owner, the simulator's I/O thread).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sim/http_wire.h"
#include "smpp/pdu.h"

namespace deliverer::sim {

// Concatenation of a segment: from a UDH IE 0x00/0x08 (when esm_class & 0x40), else from
// the sar_* TLVs.
struct Concat {
  uint16_t ref = 0;
  uint8_t part = 0;
  uint8_t total = 0;

  bool operator==(const Concat&) const = default;
};

struct SubmitContent {
  std::optional<Concat> concat;
  std::string text;              // the user data after any UDH, decoded (see text::DecodeUserText)
  bool message_payload = false;  // the user data came in the message_payload TLV
};

// `max_payload_octets` bounds the octets decoded (the receipt quotes only a few characters).
SubmitContent ReadSubmitContent(const smpp::SubmitSm& submit,
                                size_t max_payload_octets = static_cast<size_t>(-1));


// What the simulator did with the submit, for its record line.
struct RecordMeta {
  int64_t unix_ms = 0;             // when it arrived
  uint64_t bind = 0;               // the connection's number, from 1
  uint32_t seq = 0;                // the submit_sm's sequence_number
  std::string_view carrier_id;     // "" when not accepted: written as null
  std::optional<uint32_t> status;  // the command_status answered; nullopt when none (black hole)
};

// Appends one JSON object and '\n' to `out`: t, bind, seq, carrier_id, status, source,
// source_ton, source_npi, destination, dest_ton, dest_npi, data_coding, esm_class,
// registered_delivery, validity_period, udh ({ref, part, total} or null), text,
// message_payload. Octets that are not UTF-8 in the address fields become U+FFFD.
void AppendRecordLine(std::string& out, const RecordMeta& meta, const smpp::SubmitSm& submit,
                      const SubmitContent& content);

// What the HTTP carrier did with one POST /send, for its record line.
struct HttpRecordMeta {
  int64_t unix_ms = 0;             // when it arrived
  uint64_t connection = 0;         // the HTTP connection's number, from 1
  std::string_view carrier_id;     // "" when not accepted: written as null
  std::optional<unsigned> status;  // the HTTP status answered; nullopt when none (black hole)
  std::string_view answer;         // the answer's JSON body, written as it is; "": null
};

// Appends one JSON object and '\n' to `out`: t, "via":"http", conn, carrier_id, status,
// answer, from, to, text, reference (or null), receipt, validity_s (or null).
void AppendHttpRecordLine(std::string& out, const HttpRecordMeta& meta, const SendRequest& send);

// Appends `s` as a JSON string (with quotes); invalid UTF-8 becomes U+FFFD.
void AppendJsonString(std::string& out, std::string_view s);

class RecordWriter {
 public:
  RecordWriter() = default;
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // Creates or truncates `path`. Error code "record_open".
  Status Open(const std::string& path);
  bool is_open() const { return fd_ >= 0; }

  // Where to append a line; call Appended() after appending.
  std::string& buffer() { return buffer_; }
  void Appended();
  bool dirty() const { return !buffer_.empty(); }
  // Writes the buffer out; a write error is logged once and the record closed.
  void Flush();
  void Close();

 private:
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace deliverer::sim
