#pragma once
// SMPP credentials for producers (docs/smpp-server.md "Credentials"): a system_id chosen by
// the operator and a password the gateway generates. Pure functions, thread-safe.
//
// SMPP 3.4 caps a password at 8 characters (§4.1.1), so it cannot carry an API key's 130
// bits: it is 8 base62 characters (about 47 bits), stored only as an Argon2id hash whose
// cost makes guessing it from a copy of the database slow, and guessing it over the wire is
// slowed down per source address like failed API keys.
#include <string>
#include <string_view>

namespace deliverer::auth {

inline constexpr size_t kSmppPasswordChars = 8;
inline constexpr size_t kMaxSmppSystemIdChars = 15;  // SMPP 3.4 §4.1.1

std::string GenerateSmppPassword();
// The password's Argon2id hash in its self-describing text form ("$argon2id$..."); "" when
// the hash could not be computed (out of memory).
std::string HashSmppPassword(std::string_view password);
// False for a wrong password and for a hash that is not one of HashSmppPassword's.
bool VerifySmppPassword(std::string_view hash, std::string_view password);
// 1..15 printable ASCII characters without spaces.
bool IsValidSmppSystemId(std::string_view system_id);

}  // namespace deliverer::auth
