#include "receipts/receipt_writer.h"

#include <fmt/format.h>

#include <ctime>

namespace deliverer::receipts {
namespace {

// YYMMDDhhmm in UTC. Receipts come in bursts within the same minute, so the last
// minute's text is kept (per thread, so the function stays thread-safe).
const std::string& ReceiptDate(int64_t unix_ms) {
  thread_local int64_t cached_minute = -1;
  thread_local std::string cached;
  const int64_t minute = unix_ms / 60'000;
  if (minute != cached_minute) {
    const std::time_t seconds = static_cast<std::time_t>(minute * 60);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    cached = fmt::format("{:02}{:02}{:02}{:02}{:02}", tm.tm_year % 100, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min);
    cached_minute = minute;
  }
  return cached;
}

void AppendThreeDigits(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 100 % 10));
  out.push_back(static_cast<char>('0' + value / 10 % 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// The first `max_chars` UTF-8 characters of `text`, each as one printable ASCII octet.
std::string QuotedText(std::string_view text, size_t max_chars) {
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation octet: counted with its lead
    out.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  }
  return out;
}

}  // namespace

std::string_view StatWord(MessageState state) {
  switch (state) {
    case MessageState::kEnroute: return "ENROUTE";
    case MessageState::kDelivered: return "DELIVRD";
    case MessageState::kExpired: return "EXPIRED";
    case MessageState::kDeleted: return "DELETED";
    case MessageState::kUndeliverable: return "UNDELIV";
    case MessageState::kAccepted: return "ACCEPTD";
    case MessageState::kUnknown: return "UNKNOWN";
    case MessageState::kRejected: return "REJECTD";
  }
  return "UNKNOWN";
}

// Built by appends rather than one format call: this runs once per receipt.
std::string WriteReceiptText(const ReceiptTextFields& f) {
  std::string out;
  out.reserve(128 + f.id.size());
  out += "id:";
  out += f.id;
  out += f.state == MessageState::kDelivered ? " sub:001 dlvrd:001 submit date:" : " sub:001 dlvrd:000 submit date:";
  out += ReceiptDate(f.submit_ms);
  out += " done date:";
  out += ReceiptDate(f.done_ms);
  out += " stat:";
  out += StatWord(f.state);
  out += " err:";
  AppendThreeDigits(out, f.err);
  out += " text:";
  out += QuotedText(f.text, kQuotedTextChars);
  return out;
}

}  // namespace deliverer::receipts
