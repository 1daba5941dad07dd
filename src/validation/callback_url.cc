// callback_url: parsed by libcurl's URL API (the same parser that will later send to it),
// then screened for SSRF targets.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "validation/rules.h"
#include "validation/ssrf.h"

namespace deliverer::validation::rules {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

Error NotAbsoluteHttp() {
  return Error::Of("invalid_callback_url",
                   "'callback_url' must be an absolute http or https URL with a host",
                   "callback_url");
}

Error ForbiddenTarget() {
  return Error::Of("invalid_callback_url",
                   "'callback_url' must not target a loopback, private, link-local or "
                   "multicast address",
                   "callback_url");
}

// libcurl accepts "http:/host" and "http:///host"; an absolute URL for us is
// scheme "://" authority, so require that spelling before handing the URL over.
bool HasAuthority(std::string_view url, std::string_view scheme) {
  if (url.size() <= scheme.size() + 3) return false;
  const std::string_view sep = url.substr(scheme.size(), 3);
  const char first = url[scheme.size() + 3];
  return sep == "://" && first != '/' && first != '\\';
}

bool HasControlOrSpace(std::string_view url) {
  return std::any_of(url.begin(), url.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F;
  });
}

std::string Part(CURLU* handle, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(handle, part, &raw, 0) != CURLUE_OK || raw == nullptr) return {};
  CurlString owned(raw);
  return std::string(owned.get());
}

// The host as an address literal would be written without brackets, lower-cased and
// without a trailing dot ("127.0.0.1." still reaches 127.0.0.1).
std::string NormaliseHost(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool IsForbiddenHost(const std::string& host) {
  if (IsLocalhostName(host)) return true;
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(host, ec);
  return !ec && IsForbiddenAddress(address);
}

}  // namespace

Status CheckCallbackUrl(std::string_view url, bool allow_private) {
  if (url.size() > kMaxCallbackUrlBytes || HasControlOrSpace(url)) return NotAbsoluteHttp();
  CurlUrl handle(curl_url());
  if (!handle) return Error::Of("internal", "out of memory", "callback_url");
  const std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return NotAbsoluteHttp();
  }
  const std::string scheme = Part(handle.get(), CURLUPART_SCHEME);  // lower-cased by curl
  if ((scheme != "http" && scheme != "https") || !HasAuthority(url, scheme)) {
    return NotAbsoluteHttp();
  }
  const std::string host = NormaliseHost(Part(handle.get(), CURLUPART_HOST));
  if (host.empty()) return NotAbsoluteHttp();
  if (!allow_private && IsForbiddenHost(host)) return ForbiddenTarget();
  return Status::Ok();
}

}  // namespace deliverer::validation::rules
