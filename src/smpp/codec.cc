#include "smpp/codec.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "smpp/status.h"

namespace deliverer::smpp {
namespace {

constexpr uint8_t kMaxSmLength = 254;
constexpr size_t kTlvHeaderLength = 4;

uint32_t ReadU32(std::span<const uint8_t> b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

uint16_t ReadU16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

struct Failure {
  uint32_t status = 0;
  std::string_view field;
  std::string_view reason;
};

// Reads body fields in table order from a frame whose length is already trusted. Every
// length it meets is checked against the octets left before anything is allocated.
class BodyReader {
 public:
  explicit BodyReader(std::span<const uint8_t> body) : body_(body) {}

  void operator()(CString& out, const FieldSpec& spec);
  void operator()(OptCString& out, const FieldSpec& spec);
  void operator()(Octet& out, const FieldSpec& spec);
  void operator()(ShortMessage& out, const FieldSpec& spec);
  void operator()(TlvList& out, const FieldSpec& spec);

  // Call after the last field: octets nobody claimed make the length wrong.
  void Finish();
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  size_t left() const { return body_.size() - pos_; }
  std::span<const uint8_t> rest() const { return body_.subspan(pos_); }
  void Fail(uint32_t status, std::string_view field, std::string_view reason) {
    if (!failure_) failure_ = Failure{status, field, reason};
  }
  void ReadTlv(TlvList& out, const FieldSpec& spec);

  std::span<const uint8_t> body_;
  size_t pos_ = 0;
  std::optional<Failure> failure_;
};

void BodyReader::operator()(CString& out, const FieldSpec& spec) {
  if (failure_) return;
  auto window = rest().first(std::min<size_t>(left(), spec.max_octets));
  auto nul = std::find(window.begin(), window.end(), uint8_t{0});
  if (nul == window.end()) {
    if (left() >= spec.max_octets) {
      return Fail(spec.invalid_status, spec.name, "C-octet string over its maximum");
    }
    return Fail(kEsmeRInvCmdLen, spec.name, "C-octet string without terminator");
  }
  out.assign(window.begin(), nul);
  pos_ += out.size() + 1;
}

void BodyReader::operator()(OptCString& out, const FieldSpec& spec) {
  if (failure_ || left() == 0) return;  // absent: a response without a body
  out.emplace();
  (*this)(*out, spec);
}

void BodyReader::operator()(Octet& out, const FieldSpec& spec) {
  if (failure_) return;
  if (left() == 0) return Fail(kEsmeRInvCmdLen, spec.name, "body ends before this field");
  out = body_[pos_++];
}

void BodyReader::operator()(ShortMessage& out, const FieldSpec& spec) {
  uint8_t sm_length = 0;
  (*this)(sm_length, FieldSpec{"sm_length", 1, 0});
  if (failure_) return;
  if (sm_length > kMaxSmLength) {
    return Fail(spec.invalid_status, "sm_length", "sm_length over 254");
  }
  if (sm_length > left()) {
    return Fail(spec.invalid_status, "sm_length", "sm_length past the end of the PDU");
  }
  out.assign(body_.begin() + pos_, body_.begin() + pos_ + sm_length);
  pos_ += sm_length;
}

void BodyReader::operator()(TlvList& out, const FieldSpec& spec) {
  while (!failure_ && left() > 0) ReadTlv(out, spec);
}

void BodyReader::ReadTlv(TlvList& out, const FieldSpec& spec) {
  if (left() < kTlvHeaderLength) {
    return Fail(spec.invalid_status, spec.name, "truncated TLV header");
  }
  uint16_t tag = ReadU16(body_, pos_);
  uint16_t length = ReadU16(body_, pos_ + 2);
  pos_ += kTlvHeaderLength;
  if (length > left()) return Fail(spec.invalid_status, spec.name, "TLV length past the PDU");
  out.AddOctets(tag, body_.subspan(pos_, length));
  pos_ += length;
}

void BodyReader::Finish() {
  if (!failure_ && left() > 0) Fail(kEsmeRInvCmdLen, "", "octets after the last field");
}

template <class T>
DecodeResult DecodeBodyAs(const Header& header, std::span<const uint8_t> body) {
  T value;
  BodyReader reader(body);
  T::VisitFields(value, reader);
  reader.Finish();
  if (const auto& f = reader.failure()) {
    return Malformed{header, f->status, header.command_length, f->field, f->reason};
  }
  return Decoded{Pdu{header, std::move(value)}, header.command_length};
}

DecodeResult DecodeFrame(const Header& header, std::span<const uint8_t> body) {
  switch (header.command_id) {
#define DELIVERER_SMPP_DECODE_CASE(Type, wire_name, id, FIELDS) \
  case id:                                                      \
    return DecodeBodyAs<Type>(header, body);
    DELIVERER_SMPP_COMMANDS(DELIVERER_SMPP_DECODE_CASE)
#undef DELIVERER_SMPP_DECODE_CASE
    default:
      return Malformed{header, kEsmeRInvCmdId, header.command_length, "", "unknown command_id"};
  }
}

// Appends fields in table order.
class BodyWriter {
 public:
  explicit BodyWriter(std::vector<uint8_t>& out) : out_(out) {}

  void operator()(const CString& value, const FieldSpec&) {
    out_.insert(out_.end(), value.begin(), value.end());
    out_.push_back(0);
  }
  void operator()(const OptCString& value, const FieldSpec& spec) {
    if (value) (*this)(*value, spec);
  }
  void operator()(const Octet& value, const FieldSpec&) { out_.push_back(value); }
  void operator()(const ShortMessage& value, const FieldSpec&) {
    out_.push_back(static_cast<uint8_t>(value.size()));
    out_.insert(out_.end(), value.begin(), value.end());
  }
  void operator()(const TlvList& tlvs, const FieldSpec&) {
    for (const Tlv& tlv : tlvs.entries()) {
      PutU16(tlv.tag);
      PutU16(static_cast<uint16_t>(tlv.value.size()));
      out_.insert(out_.end(), tlv.value.begin(), tlv.value.end());
    }
  }
  void PutU16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void PutU32(uint32_t v) {
    PutU16(static_cast<uint16_t>(v >> 16));
    PutU16(static_cast<uint16_t>(v));
  }

 private:
  std::vector<uint8_t>& out_;
};

void PatchU32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

}  // namespace

DecodeResult Decode(std::span<const uint8_t> buffer, size_t max_pdu_len) {
  if (buffer.size() < 4) return NeedMore{4};
  uint32_t command_length = ReadU32(buffer, 0);
  if (command_length < kHeaderLength) {
    return BrokenFraming{command_length, "command_length below 16"};
  }
  if (command_length > max_pdu_len) {
    return BrokenFraming{command_length, "command_length over the PDU limit"};
  }
  if (buffer.size() < command_length) return NeedMore{command_length};
  Header header{command_length, ReadU32(buffer, 4), ReadU32(buffer, 8), ReadU32(buffer, 12)};
  return DecodeFrame(header, buffer.subspan(kHeaderLength, command_length - kHeaderLength));
}

std::vector<uint8_t> Encode(const Pdu& pdu) {
  std::vector<uint8_t> out;
  out.reserve(64);
  EncodeTo(pdu, out);
  return out;
}

void EncodeTo(const Pdu& pdu, std::vector<uint8_t>& out) {
  assert(Validate(pdu).ok());
  const size_t start = out.size();
  BodyWriter writer(out);
  writer.PutU32(0);  // command_length, patched below
  writer.PutU32(pdu.command_id());
  writer.PutU32(pdu.header.command_status);
  writer.PutU32(pdu.header.sequence_number);
  std::visit([&](const auto& body) { body.VisitFields(body, writer); }, pdu.body);
  PatchU32(out, start, static_cast<uint32_t>(out.size() - start));
}

void Decoder::OnData(std::span<const uint8_t> data) {
  if (broken_) return;
  if (buffer_.empty()) {  // common case: decode straight from the caller's chunk
    size_t used = DispatchAll(data);
    if (!broken_) buffer_.assign(data.begin() + used, data.end());
    return;
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  size_t used = DispatchAll(buffer_);
  if (broken_) {
    std::vector<uint8_t>().swap(buffer_);
    return;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(used));
}

size_t Decoder::DispatchAll(std::span<const uint8_t> bytes) {
  size_t used = 0;
  while (!broken_) {
    DecodeResult result = Decode(bytes.subspan(used), max_pdu_len_);
    if (auto* decoded = std::get_if<Decoded>(&result)) {
      used += decoded->bytes_consumed;
      callbacks_.OnPdu(std::move(decoded->pdu));
    } else if (auto* malformed = std::get_if<Malformed>(&result)) {
      used += malformed->bytes_consumed;
      callbacks_.OnMalformed(*malformed);
    } else if (auto* broken = std::get_if<BrokenFraming>(&result)) {
      broken_ = true;
      callbacks_.OnBrokenFraming(*broken);
    } else {
      break;  // NeedMore
    }
  }
  return used;
}

}  // namespace deliverer::smpp
