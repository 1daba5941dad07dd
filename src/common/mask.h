#pragma once
// Masking for logs (docs/operations.md "Logs"): logs never hold a full
// phone number nor an API key's secret. Pure functions, thread-safe.
#include <string>
#include <string_view>

namespace deliverer {

// Masks a phone number for a log line, one '*' per hidden digit; every other character
// ('+', spaces, dashes) stays in place.
// - more than 8 digits (E.164): the first 4 and the last 4 digits stay,
//   "+442071838750" -> "+4420****8750";
// - 1 to 8 digits (short codes, short numbers): only the last 2 digits stay,
//   "12345" -> "***45";
// - input holding a letter is an alphanumeric sender (it names a business, not a person)
//   and is returned as MaskText() leaves it, i.e. unchanged unless it embeds a number;
// - input without digits is returned unchanged.
std::string MaskNumber(std::string_view number);

// The public id of an API key: its prefix up to (not including) the last '_'.
// Returns "(invalid)" when there is no '_' or the prefix is empty, so a malformed key
// is never logged whole.
std::string MaskKey(std::string_view api_key);

// Masks every phone number inside free text: each '+' followed by a maximal run of 8 to 15
// digits is replaced by MaskNumber() of it. Runs of other lengths are left alone (they are
// not E.164 numbers). A last line of defence for log messages; callers should still mask
// numbers explicitly.
std::string MaskText(std::string_view line);

}  // namespace deliverer
