#include "common/mask.h"

#include <algorithm>
#include <cstddef>

namespace deliverer {
namespace {

constexpr size_t kLongNumberDigits = 8;  // above it, keep head and tail
constexpr size_t kKeptHead = 4;
constexpr size_t kKeptTail = 4;
constexpr size_t kKeptTailShort = 2;
constexpr size_t kMinTextDigits = 8;
constexpr size_t kMaxTextDigits = 15;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Replaces digits outside the kept head and tail by '*'.
std::string MaskDigits(std::string_view number, size_t digits) {
  const size_t head = digits > kLongNumberDigits ? kKeptHead : 0;
  const size_t tail = digits > kLongNumberDigits ? kKeptTail : kKeptTailShort;
  std::string out(number);
  size_t index = 0;  // position among the digits only
  for (char& c : out) {
    if (!IsDigit(c)) continue;
    if (index >= head && index + tail < digits) c = '*';
    ++index;
  }
  return out;
}

}  // namespace

std::string MaskNumber(std::string_view number) {
  if (std::any_of(number.begin(), number.end(), IsLetter)) return MaskText(number);
  const auto digits = static_cast<size_t>(std::count_if(number.begin(), number.end(), IsDigit));
  if (digits == 0) return std::string(number);
  return MaskDigits(number, digits);
}

std::string MaskKey(std::string_view api_key) {
  const size_t last = api_key.rfind('_');
  if (last == std::string_view::npos || last == 0) return "(invalid)";
  return std::string(api_key.substr(0, last));
}

std::string MaskText(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] != '+') {
      out += line[i++];
      continue;
    }
    size_t end = i + 1;
    while (end < line.size() && IsDigit(line[end])) ++end;
    const size_t digits = end - i - 1;
    const std::string_view run = line.substr(i, end - i);
    if (digits >= kMinTextDigits && digits <= kMaxTextDigits) {
      out += MaskDigits(run, digits);
    } else {
      out += run;
    }
    i = end;
  }
  return out;
}

}  // namespace deliverer
