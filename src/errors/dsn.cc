#include "errors/dsn.h"

#include <algorithm>
#include <optional>

namespace deliverer::errors {
namespace {

bool IsProjectDigit(char c) { return c >= '0' && c <= '9'; }
bool IsKeyCharacter(char c) { return IsProjectDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Error Invalid(std::string_view why) { return Error::Of("invalid_dsn", std::string(why)); }

}  // namespace

Result<Dsn> ParseDsn(std::string_view text) {
  // libcurl would drop a fragment silently and keep a query as part of the path.
  if (text.find_first_of("?#") != std::string_view::npos) return Invalid("it has a query or a fragment");
  const std::optional<validation::Url> url = validation::ParseUrl(text);
  if (!url) return Invalid("it is not an http:// or https:// URL with a host");
  const std::string_view credentials = url->credentials;
  const std::string_view key = credentials.substr(0, credentials.find(':'));
  if (key.empty() || !std::all_of(key.begin(), key.end(), IsKeyCharacter)) {
    return Invalid("it has no public key (letters and digits before the '@')");
  }
  std::string_view path = url->target;
  if (path.ends_with('/')) path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  const std::string_view project = path.substr(slash + 1);
  if (project.empty() || !std::all_of(project.begin(), project.end(), IsProjectDigit)) {
    return Invalid("its path does not end in a numeric project id");
  }
  Dsn dsn;
  dsn.public_key = std::string(key);
  dsn.project_id = std::string(project);
  dsn.envelope_url = *url;
  dsn.envelope_url.credentials.clear();  // never sent as Basic authentication
  dsn.envelope_url.target = std::string(path.substr(0, slash)) + "/api/" + dsn.project_id + "/envelope/";
  return dsn;
}

std::string AuthHeader(const Dsn& dsn, std::string_view version) {
  return "Sentry sentry_version=7, sentry_key=" + dsn.public_key + ", sentry_client=deliverer/" +
         std::string(version);
}

}  // namespace deliverer::errors
