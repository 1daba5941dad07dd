#include "api/http_session.h"

#include <fmt/format.h>

#include "common/ascii.h"

namespace deliverer::api::session {

size_t BodyLimitFor(std::string_view target, const HttpLimits& limits) {
  return target.substr(0, target.find('?')) == "/v1/messages/batch" ? limits.max_batch_body_bytes
                                                                    : limits.max_body_bytes;
}

std::optional<Error> CheckFraming(const http::request_parser<http::string_body>& parser) {
  // RFC 9112 §6.3: a request whose last transfer coding is not chunked cannot be framed;
  // Beast would read it as having no body and serve what follows as the next request.
  if (parser.get().count(http::field::transfer_encoding) > 0 && !parser.chunked()) {
    return Error::Of("invalid_request", "Transfer-Encoding must end with chunked");
  }
  return std::nullopt;
}

bool ExpectsContinue(const Request& header) {
  const auto expect = header[http::field::expect];
  return header.version() >= 11 && EqualsIgnoringCase(std::string_view(expect.data(), expect.size()), "100-continue");
}

std::optional<Error> ErrorOfRead(const httpio::ReadOutcome& read, bool timed_out, size_t body_limit) {
  using httpio::ReadStatus;
  if (timed_out) return Error::Of("request_timeout", "the request did not arrive in time");
  switch (read.status) {
    case ReadStatus::kTooLarge:
      return Error::Of("headers_too_large", "the request's header, trailer or a chunk line is too large");
    case ReadStatus::kBodyTooLarge:
      return Error::Of("payload_too_large", fmt::format("the body exceeds {} bytes", body_limit));
    case ReadStatus::kMalformed:
      return Error::Of("invalid_request", "malformed HTTP request");
    case ReadStatus::kOk:
    case ReadStatus::kClosed:
    case ReadStatus::kTruncated:
    case ReadStatus::kIo:
      break;
  }
  return std::nullopt;
}

Response ClosingProblem(const Error& error) {
  Response res = ProblemResponse(error);
  res.keep_alive(false);
  return res;
}

Response InternalError() {
  return ClosingProblem(Error::Of("internal_error", "the request could not be handled"));
}

}  // namespace deliverer::api::session
