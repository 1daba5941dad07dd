// The tolerant reader of the SMPP 3.4 Appendix B receipt text (contract in receipt.h).
// Approach: find where each known key starts (first occurrence, preferring one at a word
// boundary), then each value runs from its ':' to the next key found. That handles any
// order, missing fields and missing spaces without a grammar the carriers never follow.
#include "receipts/receipt.h"

#include <algorithm>
#include <array>
#include <vector>

namespace deliverer::receipts {
namespace {

enum class Key : uint8_t { kId, kSub, kDlvrd, kSubmitDate, kDoneDate, kStat, kErr, kText };

// A key is one or two words; between them any run of spaces or underscores, or nothing.
struct KeySpelling {
  Key key;
  std::string_view first;
  std::string_view second;
};

constexpr std::array<KeySpelling, 8> kKeys = {{
    {Key::kId, "id", ""},
    {Key::kSub, "sub", ""},
    {Key::kDlvrd, "dlvrd", ""},
    {Key::kSubmitDate, "submit", "date"},
    {Key::kDoneDate, "done", "date"},
    {Key::kStat, "stat", ""},
    {Key::kErr, "err", ""},
    {Key::kText, "text", ""},
}};

struct Found {
  Key key;
  size_t start = 0;        // first octet of the key
  size_t value_start = 0;  // first octet after ':'
};

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsAlnum(char c) { return (c >= '0' && c <= '9') || (Upper(c) >= 'A' && Upper(c) <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t Skip(std::string_view text, size_t pos, bool underscores) {
  while (pos < text.size() && (IsSpace(text[pos]) || (underscores && text[pos] == '_'))) ++pos;
  return pos;
}

// Position after `word` (matched case-insensitively) at `pos`, or npos.
size_t MatchWord(std::string_view text, size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return std::string_view::npos;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Upper(text[pos + i]) != Upper(word[i])) return std::string_view::npos;
  }
  return pos + word.size();
}

// Position after the ':' when `key` is spelled at `pos`, or npos.
size_t MatchKeyAt(std::string_view text, size_t pos, const KeySpelling& key) {
  size_t end = MatchWord(text, pos, key.first);
  if (end != std::string_view::npos && !key.second.empty()) {
    end = MatchWord(text, Skip(text, end, true), key.second);
  }
  if (end == std::string_view::npos) return end;
  end = Skip(text, end, false);
  return (end < text.size() && text[end] == ':') ? end + 1 : std::string_view::npos;
}

std::optional<Found> FindKey(std::string_view text, const KeySpelling& key, bool at_boundary) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (at_boundary && pos > 0 && IsAlnum(text[pos - 1])) continue;
    size_t value_start = MatchKeyAt(text, pos, key);
    if (value_start != std::string_view::npos) return Found{key.key, pos, value_start};
  }
  return std::nullopt;
}

std::vector<Found> FindKeys(std::string_view text) {
  std::vector<Found> found;
  for (const KeySpelling& key : kKeys) {
    auto hit = FindKey(text, key, true);
    if (!hit) hit = FindKey(text, key, false);
    if (hit) found.push_back(*hit);
  }
  return found;
}

// Where the value that starts at `value_start` ends: at the next key found, or the end.
size_t ValueEnd(std::string_view text, const std::vector<Found>& found, size_t value_start) {
  size_t end = text.size();
  for (const Found& f : found) {
    if (f.start >= value_start) end = std::min(end, f.start);
  }
  return end;
}

// A short field: its first run of non-space octets.
std::string Token(std::string_view value) {
  size_t begin = Skip(value, 0, false);
  size_t end = begin;
  while (end < value.size() && !IsSpace(value[end]) && value[end] != '\0') ++end;
  return std::string(value.substr(begin, end - begin));
}

// text: everything, less surrounding spaces and trailing NULs.
std::string FreeText(std::string_view value) {
  value.remove_prefix(std::min(Skip(value, 0, false), value.size()));
  while (!value.empty() && (IsSpace(value.back()) || value.back() == '\0')) value.remove_suffix(1);
  return std::string(value);
}

void Assign(Receipt& receipt, Key key, std::string_view value) {
  switch (key) {
    case Key::kId:
      receipt.text_id = receipt.message_id = Token(value);
      break;
    case Key::kSub:
      receipt.sub = Token(value);
      break;
    case Key::kDlvrd:
      receipt.dlvrd = Token(value);
      break;
    case Key::kSubmitDate:
      receipt.submit_date = ParseReceiptTime(Token(value));
      break;
    case Key::kDoneDate:
      receipt.done_date = ParseReceiptTime(Token(value));
      break;
    case Key::kStat:
      receipt.stat = Token(value);
      receipt.state = ParseStat(receipt.stat);
      break;
    case Key::kErr:
      receipt.err = Token(value);
      break;
    case Key::kText:
      receipt.text = FreeText(value);
      break;
  }
}

struct StatSpelling {
  std::string_view text;
  MessageState state;
};

constexpr std::array<StatSpelling, 21> kStats = {{
    {"DELIVRD", MessageState::kDelivered},
    {"DELIVERED", MessageState::kDelivered},
    {"EXPIRED", MessageState::kExpired},
    {"DELETED", MessageState::kDeleted},
    {"UNDELIV", MessageState::kUndeliverable},
    {"UNDELIVERABLE", MessageState::kUndeliverable},
    {"UNDELIVERED", MessageState::kUndeliverable},
    {"REJECTD", MessageState::kRejected},
    {"REJECTED", MessageState::kRejected},
    {"ACCEPTD", MessageState::kAccepted},
    {"ACCEPTED", MessageState::kAccepted},
    {"ENROUTE", MessageState::kEnroute},
    {"UNKNOWN", MessageState::kUnknown},
    {"1", MessageState::kEnroute},
    {"2", MessageState::kDelivered},
    {"3", MessageState::kExpired},
    {"4", MessageState::kDeleted},
    {"5", MessageState::kUndeliverable},
    {"6", MessageState::kAccepted},
    {"7", MessageState::kUnknown},
    {"8", MessageState::kRejected},
}};

// Two decimal digits at `at` if within [low, high].
std::optional<int> TwoDigits(std::string_view d, size_t at, int low, int high) {
  int value = (d[at] - '0') * 10 + (d[at + 1] - '0');
  if (value < low || value > high) return std::nullopt;
  return value;
}

}  // namespace

MessageState ParseStat(std::string_view stat) {
  for (const StatSpelling& s : kStats) {
    if (s.text.size() == stat.size() && MatchWord(stat, 0, s.text) == stat.size()) return s.state;
  }
  return MessageState::kUnknown;
}

std::optional<ReceiptTime> ParseReceiptTime(std::string_view d) {
  if (d.size() != 10 && d.size() != 12) return std::nullopt;
  if (!std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  auto yy = TwoDigits(d, 0, 0, 99), mm = TwoDigits(d, 2, 1, 12), dd = TwoDigits(d, 4, 1, 31);
  auto hh = TwoDigits(d, 6, 0, 23), mi = TwoDigits(d, 8, 0, 59);
  auto ss = d.size() == 12 ? TwoDigits(d, 10, 0, 59) : std::optional<int>(0);
  if (!yy || !mm || !dd || !hh || !mi || !ss) return std::nullopt;
  return ReceiptTime{2000 + *yy, *mm, *dd, *hh, *mi, *ss};
}

Receipt ReadReceiptText(std::string_view text) {
  Receipt receipt;
  std::vector<Found> found = FindKeys(text);
  for (const Found& f : found) {
    size_t end = ValueEnd(text, found, f.value_start);
    Assign(receipt, f.key, text.substr(f.value_start, end - f.value_start));
  }
  return receipt;
}

}  // namespace deliverer::receipts
