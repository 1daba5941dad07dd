// The key ring as a value: creation, rotation, retirement and its text form.
#include "crypto/keyring.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>

namespace deliverer::crypto {
namespace {

constexpr std::string_view kHeader = "deliverer-keyring v1";

Secret RandomSecret() {
  // sodium_init is idempotent and thread-safe; it must precede randombytes.
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  Secret s{};
  randombytes_buf(s.data(), s.size());
  return s;
}

std::string Base64(const Secret& s) {
  std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), s.data(), s.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<Secret> FromBase64(std::string_view text) {
  Secret s{};
  size_t length = 0;
  if (sodium_base642bin(s.data(), s.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length != s.size()) {
    return std::nullopt;
  }
  return s;
}

template <class T>
std::optional<T> Number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

Error Invalid(int line, std::string_view what) {
  return Error::Of("invalid_keyring", fmt::format("key ring line {}: {}", line, what));
}

// One "data" line into `ring`; an error message when it is malformed.
std::optional<std::string> ParseDataLine(const std::vector<std::string_view>& w, KeyRing& ring) {
  if (w.size() != 4 && !(w.size() == 5 && w[4] == "primary")) {
    return "expected: data <id> <created ms> <base64 key> [primary]";
  }
  auto id = Number<uint32_t>(w[1]);
  auto created = Number<int64_t>(w[2]);
  auto secret = FromBase64(w[3]);
  if (!id || *id == 0) return "the key id must be a number ≥ 1";
  if (!created) return "the creation time must be a number";
  if (!secret) return "the key must be 32 bytes in base64";
  if (ring.Find(*id) != nullptr) return fmt::format("key id {} appears twice", *id);
  if (w.size() == 5) {
    if (ring.primary != 0) return "a second primary key";
    ring.primary = *id;
  }
  ring.data_keys.push_back(DataKey{*id, *created, *secret});
  return std::nullopt;
}

Status CheckComplete(const KeyRing& ring, bool has_index) {
  if (!has_index) return Invalid(0, "no index key");
  if (ring.primary == 0) return Invalid(0, "no primary data key");
  for (const DataKey& k : ring.data_keys) {
    if (k.id > ring.primary) return Invalid(0, "the primary must be the newest key (highest id)");
  }
  return Status::Ok();
}

}  // namespace

const DataKey* KeyRing::Find(uint32_t id) const {
  for (const DataKey& k : data_keys) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

KeyRing NewKeyRing(int64_t now_ms) {
  KeyRing ring;
  ring.index_key = RandomSecret();
  AddDataKey(ring, now_ms);
  return ring;
}

uint32_t AddDataKey(KeyRing& ring, int64_t now_ms) {
  uint32_t next = ring.primary + 1;
  for (const DataKey& k : ring.data_keys) next = std::max(next, k.id + 1);
  ring.data_keys.push_back(DataKey{next, now_ms, RandomSecret()});
  ring.primary = next;
  return next;
}

Status RemoveDataKey(KeyRing& ring, uint32_t id) {
  if (id == ring.primary) {
    return Error::Of("key_in_use", fmt::format("data key {} is the primary key", id));
  }
  const auto removed = std::erase_if(ring.data_keys, [id](const DataKey& k) { return k.id == id; });
  if (removed == 0) {
    return Error::Of("not_found", fmt::format("no data key {} in the key ring", id));
  }
  return Status::Ok();
}

std::string FormatKeyRing(const KeyRing& ring) {
  std::string out = fmt::format(
      "{}\n# Secret: whoever reads this file can read every message body. Mode 0600.\n"
      "# Edit with `deliverer keys rotate-data-key` / `retire-data-key`, not by hand.\n"
      "index {}\n",
      kHeader, Base64(ring.index_key));
  for (const DataKey& k : ring.data_keys) {
    out += fmt::format("data {} {} {}{}\n", k.id, k.created_at_ms, Base64(k.secret),
                       k.id == ring.primary ? " primary" : "");
  }
  return out;
}

Result<KeyRing> ParseKeyRing(std::string_view text) {
  KeyRing ring;
  bool has_header = false, has_index = false;
  int number = 0;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const auto w = Words(line);
    if (w.empty() || w[0].starts_with('#')) continue;
    if (!has_header) {
      if (line != kHeader) return Invalid(number, "expected the header 'deliverer-keyring v1'");
      has_header = true;
    } else if (w[0] == "index") {
      auto secret = w.size() == 2 ? FromBase64(w[1]) : std::nullopt;
      if (!secret || has_index) return Invalid(number, "expected one 'index <base64 of 32 bytes>'");
      ring.index_key = *secret;
      has_index = true;
    } else if (w[0] == "data") {
      if (auto problem = ParseDataLine(w, ring)) return Invalid(number, *problem);
    } else {
      return Invalid(number, "unknown entry (expected index or data)");
    }
  }
  if (!has_header) return Invalid(1, "expected the header 'deliverer-keyring v1'");
  if (Status s = CheckComplete(ring, has_index); !s.ok()) return s.error();
  std::sort(ring.data_keys.begin(), ring.data_keys.end(),
            [](const DataKey& a, const DataKey& b) { return a.id < b.id; });
  return ring;
}

}  // namespace deliverer::crypto
