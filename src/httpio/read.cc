#include "httpio/read.h"

namespace deliverer::httpio {

std::string_view ToString(ReadStatus status) {
  switch (status) {
    case ReadStatus::kOk: return "ok";
    case ReadStatus::kClosed: return "closed";
    case ReadStatus::kTruncated: return "truncated";
    case ReadStatus::kTooLarge: return "too_large";
    case ReadStatus::kBodyTooLarge: return "body_too_large";
    case ReadStatus::kMalformed: return "malformed";
    case ReadStatus::kIo: return "io";
  }
  return "unknown";
}

ReadStatus StatusOfParseError(const boost::system::error_code& error) {
  namespace http = boost::beast::http;
  if (error == http::error::header_limit || error == http::error::buffer_overflow) {
    return ReadStatus::kTooLarge;
  }
  if (error == http::error::body_limit) return ReadStatus::kBodyTooLarge;
  if (error == http::error::partial_message) return ReadStatus::kTruncated;
  return ReadStatus::kMalformed;
}

}  // namespace deliverer::httpio
