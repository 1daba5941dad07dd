#pragma once
// The HTTP carrier's wire format (docs/simulator.md "HTTP carrier"): the POST /send
// request, its answers, the receipt and MO bodies the simulator posts. Pure, thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "sim/decide.h"

namespace deliverer::sim {

// One POST /send.
struct SendRequest {
  std::string from;
  std::string to;
  std::string text;  // UTF-8, the whole message
  std::optional<std::string> reference;  // the sender's id of the message
  bool receipt = true;                   // a final receipt is asked for
  std::optional<uint64_t> validity_s;

  bool operator==(const SendRequest&) const = default;
};

// The body by its Content-Type: application/json (an object) or
// application/x-www-form-urlencoded; the media type is matched case-insensitively and its
// parameters (charset) are ignored. from, to and text are required strings, from and to
// non-empty; other fields are optional; keys it does not know are ignored. Errors: code
// "invalid_request", the field at fault (if one is) in Error::field.
Result<SendRequest> ParseSendRequest(std::string_view content_type, std::string_view body);

// "a=1&b=x+y%2B" → {("a","1"), ("b","x y+")}, in order; nullopt for a broken %-escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

// Whether `authorization` is "Bearer <token>" (the scheme in any case). An empty token
// accepts anything.
bool BearerMatches(std::string_view authorization, std::string_view token);

// A status code as the answers write it: "0x58", "0x0B".
std::string FormatCode(uint32_t code);

struct WireAnswer {
  unsigned status = 200;
  std::string body;  // JSON

  bool operator==(const WireAnswer&) const = default;
};

// The answer to a decided submit: 200 {"message_id"}, 429 throttled, 503
// temporarily_unavailable with the code, 400 invalid_destination with the code.
WireAnswer SendAnswer(const SubmitDecision& decision, std::string_view carrier_id);
WireAnswer ErrorAnswer(unsigned status, std::string_view error);

// {"carrier_message_id","status","error_code","done_at"}: the stat and the three-digit
// err: code of receipt `outcome` (index into kReceiptStats), done_at in RFC 3339 UTC.
std::string ReceiptBody(std::string_view carrier_id, size_t outcome, int64_t done_unix_ms);

// {"from","to","text"}
std::string InboundBody(std::string_view from, std::string_view to, std::string_view text);

}  // namespace deliverer::sim
