#pragma once
// HTTP vocabulary shared by the API's files: Beast request/response types, problem+json.
#include <boost/beast/http.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace deliverer::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// A client certificate from a TLS handshake, as far as the listener's client CA vouches.
struct ClientCertificate {
  bool verified = false;           // presented, and the client CA vouches for it
  std::vector<std::string> names;  // subject CN, then DNS SANs; empty unless verified
};

// The other end of a connection.
struct Peer {
  std::string ip;
  ClientCertificate certificate;
};

// Everything a handler knows about who is asking.
struct Caller {
  std::string key_id;
  std::string account;
  uint32_t scopes = 0;
  std::string source_ip;
  std::string request_id;  // correlation id until a message id exists
};

// The HTTP status of each docs/api.md error code (500 for codes it does not know).
unsigned StatusFor(std::string_view code);

Response JsonResponse(unsigned status, std::string body);
// application/problem+json (RFC 9457) with the code's status; `detail` is for the client
// and never holds secrets. Adds Retry-After when retry_after_s > 0.
Response ProblemResponse(const Error& error, int retry_after_s = 0);
std::string ProblemBody(const Error& error);

}  // namespace deliverer::api
