#include "sim/receipt_pdu.h"

#include <fmt/format.h>

#include <array>
#include <ctime>

#include "smpp/tlv.h"

namespace deliverer::sim {
namespace {

constexpr size_t kPaddedIdChars = 20;
constexpr uint8_t kNetworkTypeGsm = 3;

struct StatInfo {
  uint8_t message_state;
  uint16_t error_code;
  bool failure;
};

// In the order of kReceiptStats.
constexpr std::array<StatInfo, kReceiptStats.size()> kStatInfo = {{
    {2, 0, false},    // DELIVRD
    {5, 1, true},     // UNDELIV: unknown subscriber
    {3, 27, true},    // EXPIRED: absent subscriber
    {8, 11, true},    // REJECTD: teleservice not provisioned
    {4, 6, true},     // DELETED
    {7, 255, true},   // UNKNOWN
    {6, 0, false},    // ACCEPTD
    {1, 0, false},    // ENROUTE
}};

const StatInfo& InfoOf(size_t outcome) {
  return kStatInfo[outcome < kStatInfo.size() ? outcome : 0];
}

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

std::string FormatCarrierId(uint64_t counter) { return fmt::format("{:X}", counter); }

std::string FormatCarrierId(uint64_t counter, IdForm form) {
  switch (form) {
    case IdForm::kSame:
      return FormatCarrierId(counter);
    case IdForm::kDecimal:
      return fmt::format("{}", counter);
    case IdForm::kLower:
      return fmt::format("{:x}", counter);
    case IdForm::kLeadingZeros:
      return fmt::format("{:0>{}X}", counter, kPaddedIdChars);
  }
  return FormatCarrierId(counter);
}

uint8_t MessageStateOf(size_t outcome) { return InfoOf(outcome).message_state; }
uint16_t ErrorCodeOf(size_t outcome) { return InfoOf(outcome).error_code; }

// Built by appends rather than one format call: this runs once per receipt.
std::string ReceiptText(const ReceiptFields& f) {
  const size_t index = f.outcome < kReceiptStats.size() ? f.outcome : 0;
  const bool delivered = InfoOf(index).message_state == 2;
  std::string out;
  out.reserve(128 + f.id.size());
  out += "id:";
  out += f.id;
  out += delivered ? " sub:001 dlvrd:001 submit date:" : " sub:001 dlvrd:000 submit date:";
  out += ReceiptDate(f.submit_ms);
  out += " done date:";
  out += ReceiptDate(f.done_ms);
  out += " stat:";
  out += kReceiptStats[index];
  out += " err:";
  AppendThreeDigits(out, ErrorCodeOf(index));
  out += " text:";
  out += QuotedText(f.text, kReceiptTextChars);
  return out;
}

smpp::DeliverSm MakeReceipt(const smpp::SubmitSm& submit, const ReceiptFields& fields) {
  smpp::DeliverSm d;
  d.source_addr_ton = submit.dest_addr_ton;
  d.source_addr_npi = submit.dest_addr_npi;
  d.source_addr = submit.destination_addr;
  d.dest_addr_ton = submit.source_addr_ton;
  d.dest_addr_npi = submit.source_addr_npi;
  d.destination_addr = submit.source_addr;
  d.esm_class = kEsmClassReceipt;
  const std::string text = ReceiptText(fields);
  d.short_message.assign(text.begin(), text.end());
  smpp::AddReceiptedMessageId(d.tlvs, fields.id);
  smpp::AddMessageState(d.tlvs, MessageStateOf(fields.outcome));
  if (InfoOf(fields.outcome).failure) {
    smpp::AddNetworkErrorCode(d.tlvs, smpp::NetworkError{kNetworkTypeGsm, ErrorCodeOf(fields.outcome)});
  }
  return d;
}

}  // namespace deliverer::sim
