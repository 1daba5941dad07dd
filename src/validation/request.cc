#include "validation/request.h"

#include <re2/re2.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/ids.h"
#include "common/log.h"
#include "common/time_format.h"
#include "text/smart_encoding.h"
#include "text/text.h"
#include "validation/numbering_plan.h"
#include "validation/rules.h"

namespace deliverer::validation {
namespace {

namespace dom = simdjson::dom;

enum Field : size_t {
  kMessageId,
  kFrom,
  kTo,
  kBody,
  kType,
  kPriority,
  kTtl,
  kCallbackUrl,
  kClientRef,
  kSendAt,
  kSmartEncoding,
  kFieldCount
};
constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "message_id", "from",       "to",      "body",          "type",  "priority",
    "ttl",        "callback_url", "client_ref", "send_at", "smart_encoding"};

// The canonical payload lists members in this (byte-wise sorted) order.
constexpr std::array<Field, kFieldCount> kSortedFields = {
    kBody,     kCallbackUrl, kClientRef,     kFrom, kMessageId,
    kPriority, kSendAt,      kSmartEncoding, kTo,   kTtl,       kType};
static_assert(std::is_sorted(kSortedFields.begin(), kSortedFields.end(),
                             [](Field a, Field b) { return kFieldNames[a] < kFieldNames[b]; }));

// A message object's known members, by Field. A member given as null is absent.
using Members = std::array<std::optional<dom::element>, kFieldCount>;

Error InvalidJson(std::string detail) { return Error::Of("invalid_json", std::move(detail)); }

Error InvalidField(Field field, std::string_view rule) {
  const std::string name(kFieldNames[field]);
  return Error::Of("invalid_field", "'" + name + "' " + std::string(rule), name);
}

// A parser holds per-document state and is not thread-safe: one per thread, reused so
// that its buffers are allocated once. The elements it returns live until its next parse.
dom::parser& ThreadParser() {
  thread_local dom::parser parser;
  return parser;
}

Result<dom::element> ParseJson(std::string_view json) {
  dom::element root;
  if (json.empty() || ThreadParser().parse(json.data(), json.size()).get(root)) {
    return InvalidJson("the request body is not valid JSON");
  }
  return root;
}

// simdjson keeps duplicate keys; we refuse them, since which one wins is ambiguous.
Status CheckNoDuplicateKeys(dom::object object) {
  std::vector<std::string_view> keys;
  for (const dom::key_value_pair member : object) keys.push_back(member.key);
  std::sort(keys.begin(), keys.end());
  const auto duplicate = std::adjacent_find(keys.begin(), keys.end());
  if (duplicate == keys.end()) return Status::Ok();
  return InvalidJson("the key " + rules::Quote(*duplicate) + " appears more than once");
}

Result<dom::object> AsObject(dom::element element, std::string_view what) {
  dom::object object;
  if (element.get(object)) return InvalidJson(std::string(what) + " must be a JSON object");
  if (Status s = CheckNoDuplicateKeys(object); !s) return s.error();
  return object;
}

Result<Members> CollectMembers(dom::element element) {
  Result<dom::object> object = AsObject(element, "a message");
  if (!object) return object.take_error();
  Members members;
  for (const dom::key_value_pair member : *object) {
    const auto* it = std::find(kFieldNames.begin(), kFieldNames.end(), member.key);
    if (it == kFieldNames.end()) {
      return Error::Of("invalid_field", "unknown field " + rules::Quote(member.key),
                       std::string(member.key));
    }
    if (!member.value.is_null())
      members[static_cast<size_t>(it - kFieldNames.begin())] = member.value;
  }
  return members;
}

// The string value of an optional member: nullopt when absent.
Result<std::optional<std::string_view>> OptionalString(const Members& members, Field field) {
  if (!members[field]) return std::optional<std::string_view>();
  std::string_view value;
  if (members[field]->get(value)) return InvalidField(field, "must be a string");
  return std::optional<std::string_view>(value);
}

Result<std::string_view> RequiredString(const Members& members, Field field) {
  Result<std::optional<std::string_view>> value = OptionalString(members, field);
  if (!value) return value.take_error();
  if (!value->has_value()) return InvalidField(field, "is required");
  return **value;
}

// Immutable after Create; RE2 matching is thread-safe.
struct Settings {
  bool allow_private_callbacks = false;
  std::vector<std::unique_ptr<RE2>> disallowed;

  bool Disallowed(std::string_view body) const {
    return std::any_of(disallowed.begin(), disallowed.end(),
                       [body](const auto& re) { return RE2::PartialMatch(body, *re); });
  }
};

// One rule per field, applied in the order docs/api.md states so that the first error
// reported for a request is deterministic.
Status ApplyMessageId(const Members& m, const Settings&, ValidatedMessage& out) {
  Result<std::optional<std::string_view>> id = OptionalString(m, kMessageId);
  if (!id) return id.take_error();
  if (!id->has_value()) return Status::Ok();
  if (!rules::IsUuid(**id)) return InvalidField(kMessageId, "must be a UUID");
  out.message_id = CanonicalMessageId(**id);
  return Status::Ok();
}

Status ApplyFrom(const Members& m, const Settings&, ValidatedMessage& out) {
  Result<std::string_view> from = RequiredString(m, kFrom);
  if (!from) return from.take_error();
  Result<SenderKind> kind = rules::CheckSender(*from);
  if (!kind) return kind.take_error();
  out.from = std::string(*from);
  out.sender_kind = *kind;
  return Status::Ok();
}

Status ApplyTo(const Members& m, const Settings&, ValidatedMessage& out) {
  Result<std::string_view> to = RequiredString(m, kTo);
  if (!to) return to.take_error();
  Result<std::string> region = rules::CheckDestination(*to);
  if (!region) return region.take_error();
  out.to = std::string(*to);
  out.to_region = std::move(*region);
  return Status::Ok();
}

// Before `body`, whose segments it decides; out.smart_encoding holds the account's default.
Status ApplySmartEncoding(const Members& m, const Settings&, ValidatedMessage& out) {
  if (!m[kSmartEncoding]) return Status::Ok();
  if (m[kSmartEncoding]->get(out.smart_encoding)) {
    return InvalidField(kSmartEncoding, "must be a boolean");
  }
  return Status::Ok();
}

// The encoding and segments recorded are those of what is sent; the body kept, and the
// one the content rules see, is the producer's.
Status ApplyBody(const Members& m, const Settings& settings, ValidatedMessage& out) {
  Result<std::string_view> body = RequiredString(m, kBody);
  if (!body) return body.take_error();
  if (text::IsBlank(*body)) return Error::Of("body_empty", "'body' is empty", "body");
  Result<text::SegmentCount> count =
      out.smart_encoding ? text::CountSegmentsSmart(*body, text::ConcatReference::k8Bit)
                         : text::CountSegments(*body, text::ConcatReference::k8Bit);
  if (!count) return count.take_error();
  if (count->segments > model::kMaxSegments) {
    return Error::Of("body_too_long",
                     "'body' needs " + std::to_string(count->segments) + " segments; at most " +
                         std::to_string(model::kMaxSegments) + " are allowed",
                     "body");
  }
  if (settings.Disallowed(*body)) {
    return Error::Of("content_rejected", "'body' matches a disallowed content rule", "body");
  }
  out.body = std::string(*body);
  out.encoding = count->encoding;
  out.segments = count->segments;
  return Status::Ok();
}

// `type` and `priority`: one of a fixed set of names.
template <class Enum>
Status ApplyChoice(const Members& m, Field field, std::optional<Enum> (*parse)(std::string_view),
                   std::string_view choices, Enum& out) {
  Result<std::optional<std::string_view>> name = OptionalString(m, field);
  if (!name) return name.take_error();
  if (!name->has_value()) return Status::Ok();
  const std::optional<Enum> value = parse(**name);
  if (!value) return InvalidField(field, "must be one of " + std::string(choices));
  out = *value;
  return Status::Ok();
}

Status ApplyType(const Members& m, const Settings&, ValidatedMessage& out) {
  return ApplyChoice(m, kType, &model::ParseMessageType, "sms, flash", out.type);
}

Status ApplyPriority(const Members& m, const Settings&, ValidatedMessage& out) {
  return ApplyChoice(m, kPriority, &model::ParsePriority, "low, normal, high", out.priority);
}

Status ApplyTtl(const Members& m, const Settings&, ValidatedMessage& out) {
  if (!m[kTtl]) return Status::Ok();
  // 60.0 and 6e1 are doubles to simdjson, hence not integers here.
  if (!m[kTtl]->is_int64() && !m[kTtl]->is_uint64()) {
    return InvalidField(kTtl, "must be an integer");
  }
  int64_t ttl = 0;
  if (m[kTtl]->get(ttl) || ttl < model::kMinTtlSeconds || ttl > model::kMaxTtlSeconds) {
    return InvalidField(kTtl, "must be between " + std::to_string(model::kMinTtlSeconds) + " and " +
                                  std::to_string(model::kMaxTtlSeconds) + " seconds");
  }
  out.ttl_seconds = static_cast<int>(ttl);
  return Status::Ok();
}

Status ApplyCallbackUrl(const Members& m, const Settings& settings, ValidatedMessage& out) {
  Result<std::optional<std::string_view>> url = OptionalString(m, kCallbackUrl);
  if (!url) return url.take_error();
  if (!url->has_value()) return Status::Ok();
  if (Status s = rules::CheckCallbackUrl(**url, settings.allow_private_callbacks); !s) return s;
  out.callback_url = std::string(**url);
  return Status::Ok();
}

Status ApplyClientRef(const Members& m, const Settings&, ValidatedMessage& out) {
  Result<std::optional<std::string_view>> ref = OptionalString(m, kClientRef);
  if (!ref) return ref.take_error();
  if (!ref->has_value()) return Status::Ok();
  if (rules::CountCodePoints(**ref) > model::kMaxClientRefChars) {
    return InvalidField(
        kClientRef, "must be at most " + std::to_string(model::kMaxClientRefChars) + " characters");
  }
  out.client_ref = std::string(**ref);
  return Status::Ok();
}

// The time alone: how far ahead it may be depends on when the message is accepted, which
// the API checks (model::kMaxScheduleAheadMs).
Status ApplySendAt(const Members& m, const Settings&, ValidatedMessage& out) {
  Result<std::optional<std::string_view>> text = OptionalString(m, kSendAt);
  if (!text) return text.take_error();
  if (!text->has_value()) return Status::Ok();
  out.send_at_ms = ParseRfc3339(**text);
  if (!out.send_at_ms) {
    return InvalidField(kSendAt, "must be an RFC 3339 time with its offset, e.g. 2026-12-24T09:00:00+01:00");
  }
  return Status::Ok();
}

using Rule = Status (*)(const Members&, const Settings&, ValidatedMessage&);
constexpr std::array<Rule, 11> kRules = {
    ApplyMessageId, ApplyFrom,     ApplyTo,  ApplySmartEncoding, ApplyBody,     ApplyType,
    ApplyPriority,  ApplyTtl,      ApplyCallbackUrl, ApplyClientRef, ApplySendAt};

// Sorted keys, minified values; null members are left out since they mean "absent", and
// message_id appears lower-cased since that is the key it names.
std::string CanonicalPayload(const Members& members, const ValidatedMessage& message) {
  std::string out = "{";
  for (const Field field : kSortedFields) {
    if (!members[field]) continue;
    if (out.size() > 1) out += ',';
    out += '"';
    out += kFieldNames[field];
    out += "\":";
    out += field == kMessageId ? "\"" + *message.message_id + "\""
                               : simdjson::to_string(*members[field]);
  }
  out += '}';
  return out;
}

Result<ValidatedMessage> ValidateMessage(dom::element element, const Settings& settings,
                                         const MessageDefaults& defaults) {
  Result<Members> members = CollectMembers(element);
  if (!members) return members.take_error();
  ValidatedMessage message;
  message.smart_encoding = defaults.smart_encoding;  // the request's own value overrides it
  for (const Rule rule : kRules) {
    if (Status s = rule(*members, settings, message); !s) return s.error();
  }
  message.canonical_payload = CanonicalPayload(*members, message);
  return message;
}

}  // namespace

struct Validator::Impl {
  Settings settings;
};

Validator::Validator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Validator::~Validator() = default;

Result<std::unique_ptr<Validator>> Validator::Create(const ValidatorOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->settings.allow_private_callbacks = options.allow_private_callbacks;
  RE2::Options re_options;
  re_options.set_log_errors(false);
  for (const std::string& pattern : options.disallowed_content) {
    auto re = std::make_unique<RE2>(pattern, re_options);
    const std::string name = "disallowed content pattern '" + pattern + "'";
    if (!re->ok()) {
      return Error::Of("invalid_config", name + " does not compile: " + re->error(),
                       "disallowed_content");
    }
    // A pattern that matches the empty string matches every body and would stop all
    // traffic: surely a mistake.
    if (RE2::PartialMatch("", *re)) {
      return Error::Of("invalid_config", name + " matches every body", "disallowed_content");
    }
    impl->settings.disallowed.push_back(std::move(re));
  }
  // The numbering plan is compiled once per process (about 20 ms): at start-up rather
  // than in the first request. Should it fail, the destination rule asks libphonenumber,
  // with the same verdicts at 15 to 90 times the cost: worth an operator's notice.
  if (const auto& plan = NumberingPlan::Compiled(); !plan.ok()) {
    log::Warn("validation", "numbering plan not compiled ({}): numbers are checked by libphonenumber directly",
              plan.error().detail);
  }
  return std::unique_ptr<Validator>(new Validator(std::move(impl)));
}

Result<ValidatedMessage> Validator::ParseMessage(std::string_view json,
                                                 const MessageDefaults& defaults) const {
  Result<dom::element> root = ParseJson(json);
  if (!root) return root.take_error();
  return ValidateMessage(*root, impl_->settings, defaults);
}

Result<std::vector<Result<ValidatedMessage>>> Validator::ParseBatch(
    std::string_view json, const MessageDefaults& defaults) const {
  Result<dom::element> root = ParseJson(json);
  if (!root) return root.take_error();
  Result<dom::object> object = AsObject(*root, "the request body");
  if (!object) return object.take_error();
  std::optional<dom::element> messages;
  for (const dom::key_value_pair member : *object) {
    if (member.key != "messages") {
      return Error::Of("invalid_field", "unknown field " + rules::Quote(member.key),
                       std::string(member.key));
    }
    if (!member.value.is_null()) messages = member.value;
  }
  if (!messages) return Error::Of("invalid_field", "'messages' is required", "messages");
  dom::array items;
  if (messages->get(items) || items.size() == 0 || items.size() > model::kMaxBatchItems) {
    return Error::Of("invalid_field",
                     "'messages' must be an array of 1 to " +
                         std::to_string(model::kMaxBatchItems) + " messages",
                     "messages");
  }
  std::vector<Result<ValidatedMessage>> results;
  results.reserve(items.size());
  for (const dom::element item : items) {
    results.push_back(ValidateMessage(item, impl_->settings, defaults));
  }
  return results;
}

Result<std::string> Validator::ValidateDestination(std::string_view number) const {
  return rules::CheckDestination(number);
}

Result<SenderKind> Validator::ValidateSender(std::string_view from) const {
  return rules::CheckSender(from);
}

Status Validator::ValidateCallbackUrl(std::string_view url) const {
  return rules::CheckCallbackUrl(url, impl_->settings.allow_private_callbacks);
}

bool Validator::ContentDisallowed(std::string_view body) const {
  return impl_->settings.Disallowed(body);
}

}  // namespace deliverer::validation
