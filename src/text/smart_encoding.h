#pragma once
// Smart encoding (docs/api.md "Smart encoding"): the typographic characters that editors and
// phone keyboards put into text (curly quotes, dashes, the ellipsis, special and invisible
// spaces) replaced by GSM-7 look-alikes when they alone keep a body in UCS-2, where a
// segment holds 70 characters instead of 160. Pure functions, no I/O, thread-safe.
//
// All or nothing: a body is replaced only when it needs UCS-2 and every character GSM-7
// (base or extension table) lacks is in the table; a body with any other such character
// (an emoji, a Cyrillic letter, a bullet) goes out unchanged in UCS-2, and a body GSM-7
// already carries is never touched. Nor does it ever cost more: a replaced body that would
// need more segments than the original in UCS-2 (an ellipsis is one UCS-2 unit but three
// septets, so a body full of them can) goes out as the original.
//
// The table only grows. The delivery side derives the text it sends again from the stored
// body (OutgoingText); were a character taken out of the table, a message accepted as GSM-7
// before the change would go out in UCS-2, with other segments than the ones it reported.
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "text/text.h"

namespace deliverer::text {

// The GSM-7 stand-in of a typographic character: "'", "\"", "-", "...", " ", or "" for one
// that is dropped (zero-width and invisible characters, the soft hyphen); nullopt for a
// character the table does not hold. Every stand-in is in GSM-7's base table.
std::optional<std::string_view> TypographicReplacement(char32_t code_point);

// `utf8` with each character of the table replaced by its stand-in, when it is valid UTF-8
// that needs UCS-2, every character GSM-7 lacks is in the table, and the replaced text is
// not empty; nullopt otherwise. The result fits GSM-7.
std::optional<std::string> SmartGsm7Text(std::string_view utf8);

// Ingest's decision for a request with smart encoding, as the count of what is then sent:
// the GSM-7 count of SmartGsm7Text(utf8) when there is one and it needs no more segments
// than utf8 does in UCS-2; else CountSegments(utf8), with its errors. Unlike CountSegments
// it allocates when a replacement is tried; ingest calls it only for requests that ask for
// smart encoding.
Result<SegmentCount> CountSegmentsSmart(std::string_view utf8,
                                        ConcatReference ref = ConcatReference::k8Bit);

// The text a stored message goes out as. Ingest records the encoding of what is sent and
// keeps the producer's body, so a message recorded as GSM-7 whose body GSM-7 cannot carry
// exists only because smart encoding was applied to it (CountSegments never answers GSM-7
// for such a body): that pair alone says to send SmartGsm7Text(body), and no flag needs to
// be stored. Any other message goes out as its body. Encoding the result gives the
// encoding and segments CountSegmentsSmart reported at ingest.
std::string OutgoingText(std::string_view body, Encoding stored_encoding);

}  // namespace deliverer::text
