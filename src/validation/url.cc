#include "validation/url.h"

#include <curl/curl.h>

#include <memory>

#include "common/ascii.h"

namespace deliverer::validation {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};

std::optional<std::string> Part(CURLU* handle, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  return std::string(owned.get());
}

bool HasControlOrSpace(std::string_view url) {
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
  }
  return false;
}

// libcurl accepts "http:/host" and "http:///host"; an absolute URL here is scheme "://"
// authority, so that spelling is required before the URL is handed over.
bool HasAuthority(std::string_view url) {
  const size_t sep = url.find("://");
  return sep != std::string_view::npos && sep + 3 < url.size() && url[sep + 3] != '/' &&
         url[sep + 3] != '\\';
}

}  // namespace

std::optional<Url> ParseUrl(std::string_view text) {
  if (HasControlOrSpace(text) || !HasAuthority(text)) return std::nullopt;
  std::unique_ptr<CURLU, CurlUrlDeleter> handle(curl_url());
  if (!handle) return std::nullopt;
  const std::string copy(text);
  if (curl_url_set(handle.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) return std::nullopt;
  const std::optional<std::string> scheme = Part(handle.get(), CURLUPART_SCHEME);  // lower-cased by curl
  if (!scheme || (*scheme != "http" && *scheme != "https")) return std::nullopt;
  Url out;
  out.tls = *scheme == "https";
  std::optional<std::string> host = Part(handle.get(), CURLUPART_HOST);
  if (!host || host->empty()) return std::nullopt;
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  for (char& c : *host) c = LowerAscii(c);
  out.host = std::move(*host);
  const std::optional<std::string> port = Part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!port) return std::nullopt;
  out.port = *port;
  const std::optional<std::string> path = Part(handle.get(), CURLUPART_PATH);
  out.target = path && !path->empty() ? *path : "/";
  if (const auto query = Part(handle.get(), CURLUPART_QUERY)) out.target += "?" + *query;
  const auto user = Part(handle.get(), CURLUPART_USER, CURLU_URLDECODE);
  const auto password = Part(handle.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  if (user || password) out.credentials = user.value_or("") + ":" + password.value_or("");
  return out;
}

}  // namespace deliverer::validation
