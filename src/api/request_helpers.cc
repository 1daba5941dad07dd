#include "api/request_helpers.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace deliverer::api {

bool MatchPath(std::string_view path, std::string_view prefix, bool has_param,
               std::string* param) {
  if (!has_param) return path == prefix;
  const size_t hole = prefix.find("{}");
  const std::string_view suffix = hole == std::string_view::npos ? "" : prefix.substr(hole + 2);
  if (hole != std::string_view::npos) prefix = prefix.substr(0, hole);
  if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix) || !path.ends_with(suffix)) {
    return false;
  }
  const std::string_view rest = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (rest.find('/') != std::string_view::npos) return false;
  auto decoded = PercentDecode(rest);
  if (!decoded || decoded->empty()) return false;
  *param = std::move(*decoded);
  return true;
}

Result<QueryParams> ParseQuery(std::string_view query, bool plus_is_space) {
  auto pairs = ParseUrlEncoded(query, plus_is_space);
  if (!pairs) return Error::Of("invalid_field", "malformed query string");
  QueryParams params;
  for (auto& [name, value] : *pairs) {
    const bool repeated = std::any_of(params.begin(), params.end(),
                                      [&name = name](const auto& p) { return p.first == name; });
    if (repeated) return Error::Of("invalid_field", "'" + name + "' given twice", name);
    params.emplace_back(std::move(name), std::move(value));
  }
  return params;
}

bool IsJsonContentType(std::string_view content_type) {
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  std::string lower(media);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  return lower == "application/json";
}

std::string EncodeCursor(std::string_view position) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(position.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(position.data()),
                    position.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

std::optional<std::string> DecodeCursor(std::string_view cursor) {
  std::string out(cursor.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), cursor.data(),
                        cursor.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace deliverer::api
