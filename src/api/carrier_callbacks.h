#pragma once
// Carrier callbacks without an API key (docs/api.md "Carrier callbacks"): POST /v1/dlr/{carrier}
// and POST /v1/inbound/{carrier}. Authentication per carrier (docs/reliability.md S5), every
// configured factor must pass:
//  - the source address in the carrier's allowlist;
//  - the shared secret, either as `X-Carrier-Token: <secret>` or as
//    `X-Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
//    signed within the last 5 minutes;
//  - on an HTTPS listener with a client CA, a client certificate the CA vouches for,
//    carrying the carrier's pinned name when one is set.
// A carrier with none of them accepts no callbacks. Pure functions; thread-safe.
//
// Only who may call is decided here: the body of an authenticated callback goes unread to
// the carriers' CallbackSink (carriers/callback_sink.h), which knows its format.
#include <cstdint>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace deliverer::api {

struct CallbackAuth {
  std::string carrier;
  std::vector<std::string> allow;  // CIDRs ("10.0.0.0/8", "::1/128")
  std::string token;               // the shared secret; "" = none
  bool require_certificate = false;  // the listener has a client CA
  std::string certificate_name;      // CN or DNS SAN the certificate must carry; "" = any
};

// True when the request from `peer` is the carrier's.
bool AuthenticateCallback(const CallbackAuth& auth, const Request& request, const Peer& peer,
                          int64_t now_unix_s);

}  // namespace deliverer::api
