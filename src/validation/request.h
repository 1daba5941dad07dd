#pragma once
// Parsing and validating producers' message requests (docs/api.md, POST /v1/messages and
// /v1/messages/batch). Pure: no I/O, no store. A Validator is immutable after
// construction and thread-safe.
//
// Every rejection is an Error whose code is one of docs/api.md's (invalid_json, invalid_field,
// invalid_destination, invalid_sender, body_empty, body_too_long, content_rejected,
// invalid_callback_url) with `field` naming the offending field. Unknown fields are
// rejected with invalid_field. The suppression check (422) is not here: it needs the store.
// docs/api.md ("Validation details") lists the finer points of each rule, including
// the order in which fields are checked (only the first error is reported).
//
// Error details are meant for the client's problem+json body. Those of invalid_destination
// and invalid_sender quote the client's value (a phone number), so logs should record the
// code and field, not the detail.
//
// Parsing uses one simdjson parser per calling thread, which keeps the capacity of the
// largest document that thread has parsed.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/message.h"

namespace deliverer::validation {

enum class SenderKind : uint8_t { kE164, kShortCode, kAlphanumeric };

// The message (from, to and its region, body, type, priority, and the encoding and
// segments the body needs) and the request's own options.
struct ValidatedMessage : model::Message {
  std::optional<std::string> message_id;  // as given (lower-cased UUID), if given
  SenderKind sender_kind = SenderKind::kE164;
  int ttl_seconds = model::kDefaultTtlSeconds;
  std::string callback_url;  // empty when absent
  std::string client_ref;    // empty when absent
  // `send_at` as Unix milliseconds, when given; its range (not in the past, at most
  // model::kMaxScheduleAheadMs ahead) is the API's to apply, at acceptance.
  std::optional<int64_t> send_at_ms;
  // The request's `smart_encoding`, else the account's default: when set, `encoding` and
  // `segments` are those of the text smart encoding sends (text/smart_encoding.h), while
  // `body` stays the producer's.
  bool smart_encoding = false;
  // The request object serialised with sorted keys and no insignificant whitespace,
  // strings re-escaped, null members left out and message_id lower-cased: two requests
  // are "the same payload" (idempotency) iff these are equal.
  std::string canonical_payload;
};

// What a request leaves out takes its account's value (docs/configuration.md "[accounts]").
struct MessageDefaults {
  bool smart_encoding = false;
};

struct ValidatorOptions {
  std::vector<std::string> disallowed_content;  // RE2 patterns; a match → content_rejected
  bool allow_private_callbacks = false;         // callback_url to loopback/private allowed
};

class Validator {
 public:
  // Fails with code "invalid_config" when a content pattern does not compile.
  static Result<std::unique_ptr<Validator>> Create(const ValidatorOptions& options);
  ~Validator();

  // One message: the whole HTTP body of POST /v1/messages, from an account whose
  // defaults are `defaults`.
  Result<ValidatedMessage> ParseMessage(std::string_view json,
                                        const MessageDefaults& defaults = {}) const;

  // A batch: {"messages":[...]} with 1..1000 items. The outer Result fails for a body
  // that is not such an object (invalid_json / invalid_field); each item is validated
  // independently, with the same defaults.
  Result<std::vector<Result<ValidatedMessage>>> ParseBatch(
      std::string_view json, const MessageDefaults& defaults = {}) const;

  // Individual rules, exposed for the API's path parameters and for tests.
  // E.164 destination: valid and dialable per libphonenumber; returns the region.
  Result<std::string> ValidateDestination(std::string_view number) const;
  Result<SenderKind> ValidateSender(std::string_view from) const;
  // Absolute http(s) URL; unless allow_private_callbacks, no localhost name or forbidden IP
  // literal (validation/ssrf.h). Host names are not resolved here.
  Status ValidateCallbackUrl(std::string_view url) const;
  bool ContentDisallowed(std::string_view body) const;

 private:
  struct Impl;
  explicit Validator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace deliverer::validation
