#include "crypto/cipher.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>

#include "common/random_bytes.h"

namespace deliverer::crypto {
namespace {

constexpr size_t kHeaderBytes = 5;  // version + key id
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string Header(uint32_t key_id) {
  std::string h(kHeaderBytes, '\0');
  h[0] = static_cast<char>(kSealedV1);
  for (int i = 0; i < 4; ++i) h[1 + i] = static_cast<char>((key_id >> (24 - 8 * i)) & 0xFF);
  return h;
}

// The additional data: the header (so the key id cannot be swapped) and the row.
std::string AdditionalData(std::string_view header, std::string_view context) {
  std::string ad(header);
  ad += context;
  return ad;
}

}  // namespace

uint32_t SealedKeyId(std::string_view stored) {
  if (stored.size() < kHeaderBytes || static_cast<unsigned char>(stored[0]) != kSealedV1) return 0;
  uint32_t id = 0;
  for (int i = 1; i <= 4; ++i) id = (id << 8) | static_cast<unsigned char>(stored[i]);
  return id;
}

Cipher::Cipher(KeyRing ring) : ring_(std::make_shared<const KeyRing>(std::move(ring))) {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

void Cipher::Update(const KeyRing& ring) {
  common::MutexLock lock(mutex_);
  KeyRing merged = ring;
  for (const DataKey& k : ring_->data_keys) {
    if (merged.Find(k.id) == nullptr) merged.data_keys.push_back(k);
  }
  ring_ = std::make_shared<const KeyRing>(std::move(merged));
}

std::shared_ptr<const KeyRing> Cipher::Snapshot() const {
  common::MutexLock lock(mutex_);
  return ring_;
}

uint32_t Cipher::PrimaryKeyId() const { return Snapshot()->primary; }

std::vector<uint32_t> Cipher::KeyIds() const {
  const auto ring = Snapshot();
  std::vector<uint32_t> ids;
  for (const DataKey& k : ring->data_keys) ids.push_back(k.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string Cipher::Seal(std::string_view plaintext, std::string_view context) const {
  const auto ring = Snapshot();
  const DataKey* key = ring->Find(ring->primary);  // the ring's invariant: it exists
  std::string out = Header(key->id);
  out.resize(kHeaderBytes + kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* nonce = Bytes(out) + kHeaderBytes;
  FillRandom(nonce, kNonceBytes);
  const std::string ad = AdditionalData(out.substr(0, kHeaderBytes), context);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(), nullptr,
                                             nonce, key->secret.data());
  out.resize(kHeaderBytes + kNonceBytes + written);
  return out;
}

Result<std::string> Cipher::Open(std::string_view stored, std::string_view context) const {
  if (stored.empty() || static_cast<unsigned char>(stored[0]) != kSealedV1) {
    return Error::Of("decrypt_failed", "not a sealed value (unknown format version)");
  }
  const uint32_t key_id = SealedKeyId(stored);
  const auto ring = Snapshot();
  const DataKey* key = ring->Find(key_id);
  if (key == nullptr) {
    return Error::Of("unknown_data_key", fmt::format("data key {} is not in the key ring", key_id));
  }
  if (stored.size() < kHeaderBytes + kNonceBytes + kTagBytes) {
    return Error::Of("decrypt_failed", "a sealed value too short to hold its nonce and tag");
  }
  const std::string_view cipher = stored.substr(kHeaderBytes + kNonceBytes);
  const std::string ad = AdditionalData(stored.substr(0, kHeaderBytes), context);
  std::string out(cipher.size() - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(Bytes(out), &written, nullptr, Bytes(cipher),
                                                 cipher.size(), Bytes(ad), ad.size(),
                                                 Bytes(stored) + kHeaderBytes,
                                                 key->secret.data()) != 0) {
    return Error::Of("decrypt_failed",
                     fmt::format("a value sealed with data key {} does not open here", key_id));
  }
  out.resize(written);
  return out;
}

std::array<unsigned char, 32> Cipher::KeyedDigest(std::string_view value) const {
  const auto ring = Snapshot();
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), Bytes(value), value.size(),
                     ring->index_key.data(), ring->index_key.size());
  return digest;
}

std::string Cipher::KeyedHash(std::string_view value) const {
  const std::array<unsigned char, 32> digest = KeyedDigest(value);
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), 64);
}

}  // namespace deliverer::crypto
