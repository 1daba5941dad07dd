#include "common/time_format.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace deliverer {
namespace {

// Reads exactly `width` digits at `pos`.
std::optional<int> Digits(std::string_view s, size_t pos, size_t width) {
  if (pos + width > s.size()) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + width, value);
  if (ec != std::errc() || end != s.data() + pos + width) return std::nullopt;
  return value;
}

bool CharAt(std::string_view s, size_t pos, char a, char b = '\0') {
  return pos < s.size() && (s[pos] == a || (b != '\0' && s[pos] == b));
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::string FormatRfc3339(int64_t unix_millis) {
  const std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     unix_millis % 1000);
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  auto year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  auto hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (!CharAt(s, 4, '-') || !CharAt(s, 7, '-') || !CharAt(s, 10, 'T', 't') ||
      !CharAt(s, 13, ':') || !CharAt(s, 16, ':')) {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (CharAt(s, pos, '.')) {
    int64_t scale = 100;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  int64_t offset_minutes = 0;
  if (CharAt(s, pos, 'Z', 'z')) {
    ++pos;
  } else if (CharAt(s, pos, '+', '-')) {
    auto oh = Digits(s, pos + 1, 2), om = Digits(s, pos + 4, 2);
    if (!oh || !om || !CharAt(s, pos + 3, ':')) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(*year, static_cast<unsigned>(*month),
                                     static_cast<unsigned>(*day));
  const int64_t secs = days * 86400 + *hour * 3600 + *minute * 60 + *second - offset_minutes * 60;
  return secs * 1000 + millis;
}

}  // namespace deliverer
