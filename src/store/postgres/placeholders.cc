#include "store/postgres/placeholders.h"

#include <algorithm>

#include "common/ascii.h"
#include "store/postgres/db.h"

namespace deliverer::store::postgres {
namespace {

// SQLite's limit on a parameter number; a larger ?N is left as it is (and fails to parse).
constexpr int kMaxParameter = 32766;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The end of the quoted run opening at `begin` (after its closing quote; a doubled quote
// is an escaped one), or the end of `sql` for an unterminated one.
size_t SkipQuoted(std::string_view sql, size_t begin) {
  const char quote = sql[begin];
  size_t i = begin + 1;
  while (i < sql.size()) {
    if (sql[i] != quote) {
      ++i;
    } else if (i + 1 < sql.size() && sql[i + 1] == quote) {
      i += 2;
    } else {
      return i + 1;
    }
  }
  return sql.size();
}

// The end of the comment opening at `begin`, or `begin` when none opens there.
size_t SkipComment(std::string_view sql, size_t begin) {
  if (sql.substr(begin, 2) == "--") {
    const size_t end = sql.find('\n', begin);
    return end == std::string_view::npos ? sql.size() : end;
  }
  if (sql.substr(begin, 2) == "/*") {
    const size_t end = sql.find("*/", begin + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  return begin;
}

void Use(NumberedSql& out, int n) {
  out.parameters = std::max(out.parameters, n);
  if (out.used.size() < static_cast<size_t>(n)) out.used.resize(n, false);
  out.used[n - 1] = true;
  out.text += '$';
  out.text += std::to_string(n);
}

}  // namespace

NumberedSql NumberSql(std::string_view sql) {
  NumberedSql out;
  out.text.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    size_t end = i;
    if (c == '\'' || c == '"') {
      end = SkipQuoted(sql, i);
    } else if (c == '-' || c == '/') {
      end = SkipComment(sql, i);
    }
    if (end > i) {
      out.text.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    if (c != '?') {
      out.text += c;
      ++i;
      continue;
    }
    size_t digits = i + 1;
    int n = 0;
    while (digits < sql.size() && IsDigit(sql[digits]) && n <= kMaxParameter) {
      n = n * 10 + (sql[digits] - '0');
      ++digits;
    }
    if (digits == i + 1) {
      Use(out, out.parameters + 1);
    } else if (n >= 1 && n <= kMaxParameter) {
      Use(out, n);
    } else {
      out.text.append(sql.substr(i, digits - i));
    }
    i = digits;
  }
  return out;
}

std::string NumberPlaceholders(std::string_view sql) { return NumberSql(sql).text; }

bool IsRead(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n' || sql.front() == '\t')) sql.remove_prefix(1);
  if (StartsWithIgnoringCase(sql, "SELECT")) return true;
  return StartsWithIgnoringCase(sql, "WITH") && sql.find("INSERT") == std::string_view::npos &&
         sql.find("UPDATE") == std::string_view::npos && sql.find("DELETE") == std::string_view::npos;
}

}  // namespace deliverer::store::postgres
