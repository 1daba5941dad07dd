// Small lexical rules shared by the field checks.
#include <algorithm>
#include <cctype>

#include "validation/rules.h"

namespace deliverer::validation::rules {

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

size_t CountCodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Built by appending: g++ 12 at -O3 reports a false -Wrestrict overlap for
// "'" + std::string(…), which stops a Release build.
std::string Quote(std::string_view value) {
  constexpr size_t kMaxBytes = 32;
  size_t cut = std::min(value.size(), kMaxBytes);
  if (cut < value.size()) {
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out;
  out.reserve(cut + 5);
  out.push_back('\'');
  out.append(value.substr(0, cut));
  if (cut < value.size()) out.append("…");
  out.push_back('\'');
  return out;
}

}  // namespace deliverer::validation::rules
