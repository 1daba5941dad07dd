#pragma once
// Identifiers: UUIDv7 message ids (time-ordered, RFC 9562) and random tokens.
// Thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace deliverer {

// Initialises libsodium once; every function here calls it, and so must any other
// user of libsodium before its first call.
void EnsureCryptoReady();

// A new UUIDv7 in canonical lower-case form, with `unix_millis` as its timestamp. Ids
// this process makes for the newest millisecond it has seen sort in the order they were
// made, also within that millisecond.
std::string NewUuidV7(int64_t unix_millis);

// True for the canonical 8-4-4-4-12 hex form (any case, any version).
bool IsUuid(std::string_view s);

// A message id as stored and compared: ASCII letters lower-cased. A producer's own
// `message_id` may come in any case (UUIDs are case-insensitive, RFC 9562 §4); every
// place that takes one from a producer passes it through this.
std::string CanonicalMessageId(std::string_view id);

// `n` cryptographically random characters from [0-9A-Za-z].
std::string RandomBase62(size_t n);

}  // namespace deliverer
