#include "sim/record.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/log.h"
#include "common/time_format.h"
#include "smpp/tlv.h"
#include "smpp/udh.h"
#include "text/text.h"

namespace deliverer::sim {
namespace {

constexpr size_t kFlushBytes = 64 * 1024;

// The length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF).
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
  if (n == 0 || b0 > 0xF4 || i + n > s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F) || (b0 == 0xF0 && b1 < 0x90) ||
      (b0 == 0xF4 && b1 > 0x8F)) {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

void AppendEscaped(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
  }
}

std::optional<Concat> ConcatFromTlvs(const smpp::Tlvs& tlvs) {
  auto ref = smpp::GetSarMsgRefNum(tlvs);
  auto total = smpp::GetSarTotalSegments(tlvs);
  auto part = smpp::GetSarSegmentSeqnum(tlvs);
  if (!ref || !total || !part) return std::nullopt;
  return Concat{*ref, *part, *total};
}

// The appends below avoid format strings: a record line is written per submit.
void Key(std::string& out, std::string_view name) {
  out += ",\"";
  out += name;
  out += "\":";
}

void AppendNumber(std::string& out, uint64_t value) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void Field(std::string& out, std::string_view name, std::string_view value) {
  Key(out, name);
  AppendJsonString(out, value);
}

void Number(std::string& out, std::string_view name, uint64_t value) {
  Key(out, name);
  AppendNumber(out, value);
}

// The carrier id and the answer's status, each null while there is none.
void IdAndStatus(std::string& out, std::string_view carrier_id, std::optional<uint32_t> status) {
  if (carrier_id.empty()) {
    out += ",\"carrier_id\":null";
  } else {
    Field(out, "carrier_id", carrier_id);
  }
  if (status) {
    Number(out, "status", *status);
  } else {
    out += ",\"status\":null";
  }
}

// RFC 3339 with milliseconds; the text up to the second is kept per thread, since many
// lines share a second.
void AppendTime(std::string& out, int64_t unix_ms) {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;  // "2026-11-25T19:16:05."
  const int64_t second = unix_ms / 1000;
  if (second != cached_second) {
    cached = FormatRfc3339(second * 1000);
    cached.resize(cached.size() - 4);  // drop "000Z"
    cached_second = second;
  }
  out += cached;
  const auto ms = static_cast<unsigned>(unix_ms % 1000);
  out.push_back(static_cast<char>('0' + ms / 100));
  out.push_back(static_cast<char>('0' + ms / 10 % 10));
  out.push_back(static_cast<char>('0' + ms % 10));
  out.push_back('Z');
}

}  // namespace


SubmitContent ReadSubmitContent(const smpp::SubmitSm& submit, size_t max_payload_octets) {
  SubmitContent content;
  content.message_payload =
      submit.short_message.empty() && smpp::GetMessagePayload(submit.tlvs).has_value();
  const std::span<const uint8_t> user_data = smpp::UserDataOf(submit);
  std::span<const uint8_t> payload = user_data;
  auto split = smpp::SplitUserData(submit.esm_class, user_data);
  if (split.ok()) {
    payload = split->payload;
    if (split->concatenation) {
      const auto& c = *split->concatenation;
      content.concat = Concat{c.reference, c.sequence, c.total};
    }
  }
  if (!content.concat) content.concat = ConcatFromTlvs(submit.tlvs);
  content.text = text::DecodeUserText(submit.data_coding,
                                payload.first(std::min(payload.size(), max_payload_octets)));
  return content;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; };
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (plain(c)) {
      size_t end = i + 1;
      while (end < s.size() && plain(static_cast<unsigned char>(s[end]))) ++end;
      out.append(s.substr(i, end - i));
      i = end;
    } else if (c < 0x80) {
      AppendEscaped(out, c);
      ++i;
    } else if (size_t n = Utf8Length(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out.push_back('"');
}

void AppendRecordLine(std::string& out, const RecordMeta& meta, const smpp::SubmitSm& s,
                      const SubmitContent& content) {
  out += "{\"t\":\"";
  AppendTime(out, meta.unix_ms);
  out.push_back('"');
  Number(out, "bind", meta.bind);
  Number(out, "seq", meta.seq);
  IdAndStatus(out, meta.carrier_id, meta.status);
  Field(out, "source", s.source_addr);
  Number(out, "source_ton", s.source_addr_ton);
  Number(out, "source_npi", s.source_addr_npi);
  Field(out, "destination", s.destination_addr);
  Number(out, "dest_ton", s.dest_addr_ton);
  Number(out, "dest_npi", s.dest_addr_npi);
  Number(out, "data_coding", s.data_coding);
  Number(out, "esm_class", s.esm_class);
  Number(out, "registered_delivery", s.registered_delivery);
  Field(out, "validity_period", s.validity_period);
  if (content.concat) {
    out += ",\"udh\":{\"ref\":";
    AppendNumber(out, content.concat->ref);
    out += ",\"part\":";
    AppendNumber(out, content.concat->part);
    out += ",\"total\":";
    AppendNumber(out, content.concat->total);
    out.push_back('}');
  } else {
    out += ",\"udh\":null";
  }
  Field(out, "text", content.text);
  out += content.message_payload ? ",\"message_payload\":true}\n" : ",\"message_payload\":false}\n";
}

void AppendHttpRecordLine(std::string& out, const HttpRecordMeta& meta, const SendRequest& send) {
  out += "{\"t\":\"";
  AppendTime(out, meta.unix_ms);
  out += "\",\"via\":\"http\"";
  Number(out, "conn", meta.connection);
  IdAndStatus(out, meta.carrier_id, meta.status);
  Key(out, "answer");
  out += meta.answer.empty() ? "null" : meta.answer;
  Field(out, "from", send.from);
  Field(out, "to", send.to);
  Field(out, "text", send.text);
  if (send.reference) {
    Field(out, "reference", *send.reference);
  } else {
    out += ",\"reference\":null";
  }
  out += send.receipt ? ",\"receipt\":true" : ",\"receipt\":false";
  if (send.validity_s) {
    Number(out, "validity_s", *send.validity_s);
  } else {
    out += ",\"validity_s\":null";
  }
  out += "}\n";
}

RecordWriter::~RecordWriter() { Close(); }

Status RecordWriter::Open(const std::string& path) {
  Close();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return Error::Of("record_open",
                     fmt::format("cannot open the record {}: {}", path, std::strerror(errno)));
  }
  buffer_.reserve(2 * kFlushBytes);
  return Status::Ok();
}

void RecordWriter::Appended() {
  if (buffer_.size() >= kFlushBytes) Flush();
}

void RecordWriter::Flush() {
  size_t written = 0;
  while (fd_ >= 0 && written < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      log::Error("sim", "cannot write the record: {}; recording stops", std::strerror(errno));
      ::close(fd_);
      fd_ = -1;
      break;
    }
    written += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void RecordWriter::Close() {
  Flush();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace deliverer::sim
