#pragma once
// A Sentry DSN ([errors] sentry_dsn): where error events go and the key that lets them in,
// "https://PUBLIC_KEY@o0.ingest.sentry.io/PROJECT_ID" (a legacy ":SECRET" after the key is
// accepted and never used). Pure and thread-safe.
//
// The public key is a credential: it is sent in the X-Sentry-Auth header and nowhere else,
// and no error message, log line or event quotes it (docs/operations.md "Error reporting").
#include <string>
#include <string_view>

#include "common/result.h"
#include "validation/url.h"

namespace deliverer::errors {

struct Dsn {
  validation::Url envelope_url;  // {scheme}://{host}[:port]{path}/api/{project_id}/envelope/
  std::string public_key;        // letters and digits
  std::string project_id;        // digits
};

// The DSN, or Error "invalid_dsn" whose detail says what is wrong without quoting the DSN.
Result<Dsn> ParseDsn(std::string_view text);

// The X-Sentry-Auth header's value: "Sentry sentry_version=7, sentry_key=KEY,
// sentry_client=deliverer/VERSION".
std::string AuthHeader(const Dsn& dsn, std::string_view version);

}  // namespace deliverer::errors
