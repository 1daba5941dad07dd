#pragma once
// http:// and https:// URLs as the HTTP clients need them: scheme, host, port, target.
// Pure and thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::httpc {

struct Url {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;  // "80" / "443" when the URL has none
  std::string target;  // path and query, "/" at least; the fragment is dropped

  bool operator==(const Url&) const = default;
};

// Only http and https, with a host and without credentials; nullopt otherwise.
std::optional<Url> ParseUrl(std::string_view url);

}  // namespace deliverer::httpc
