#pragma once
// The per-field rules behind Validator, as free functions. Internal to the validation
// component; callers use request.h. Each failure is the docs/api.md Error for that field.
#include <string>
#include <string_view>

#include "common/result.h"
#include "validation/request.h"

namespace deliverer::validation::rules {

// `to`: exactly the E.164 form libphonenumber prints for a valid, internationally
// diallable number. Returns its region ("GB"; "001" for non-geographic numbers).
// Error: invalid_destination (field "to").
Result<std::string> CheckDestination(std::string_view number);

// `from`: an E.164 number (as strict as CheckDestination), a short code of 3 to 8 ASCII
// digits, or an alphanumeric sender of 1 to 11 [A-Za-z0-9 ] with at least one letter.
// Error: invalid_sender (field "from").
Result<SenderKind> CheckSender(std::string_view from);

// `callback_url`: an absolute http(s) URL with an authority and a host; unless
// allow_private, its host may not be a localhost name nor a forbidden IP literal
// (ssrf.h). Error: invalid_callback_url (field "callback_url").
Status CheckCallbackUrl(std::string_view url, bool allow_private);

inline constexpr size_t kMaxCallbackUrlBytes = 2048;

// 8-4-4-4-12 hexadecimal digits, any version and variant.
bool IsUuid(std::string_view s);

// Code points in valid UTF-8.
size_t CountCodePoints(std::string_view utf8);

// A client's value for an error detail: quoted, and cut (at a character boundary) to
// 32 bytes so that a hostile input cannot bloat the answer.
std::string Quote(std::string_view value);

}  // namespace deliverer::validation::rules
