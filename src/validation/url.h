#pragma once
// The one parser of the http:// and https:// URLs the gateway sends to: producers'
// callback_url (checked at ingest, then posted to by the webhook sender), HTTP carriers'
// endpoints and the operators' webhook. Ingest and delivery both use it, so a URL that
// ingest accepts is one that delivery can reach. Built on libcurl's URL API. Pure and
// thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::validation {

struct Url {
  bool tls = false;
  std::string host;    // lower case, without brackets for IPv6, as written otherwise
  std::string port;    // "80" / "443" when the URL has none
  std::string target;  // path and query, "/" at least; the fragment is dropped
  // "user:password" from the URL's user info, percent-decoded; "" when it has none. Sent
  // as HTTP Basic authentication.
  std::string credentials;

  bool operator==(const Url&) const = default;
};

// Absolute http or https URLs with a host ("scheme://host…", the scheme in any case);
// nullopt for anything else: other schemes, no host, a bad port, spaces or control bytes.
std::optional<Url> ParseUrl(std::string_view url);

}  // namespace deliverer::validation
