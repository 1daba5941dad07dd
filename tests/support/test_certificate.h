#pragma once
// Certificates made at test time (never a committed private key), as PEM strings: a
// self-signed one that is its own CA, valid for 127.0.0.1 and localhost, and leaves it
// issues (client certificates with a name of the test's choosing).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace deliverer::test_tls {

struct TestCertificate {
  std::string certificate_pem;
  std::string key_pem;
};

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

inline std::string ToPem(int (*write)(BIO*, void*), void* object) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (write(bio.get(), object) != 1) throw std::runtime_error("PEM write failed");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

inline TestCertificate ToPems(X509* cert, EVP_PKEY* key) {
  TestCertificate out;
  out.certificate_pem =
      ToPem([](BIO* b, void* c) { return PEM_write_bio_X509(b, static_cast<X509*>(c)); }, cert);
  out.key_pem = ToPem(
      [](BIO* b, void* k) {
        return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr, nullptr);
      },
      key);
  return out;
}

inline std::unique_ptr<BIO, decltype(&BIO_free)> ReadBio(const std::string& pem) {
  return {BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
}

// `issuer` null: self-signed, a CA. Otherwise a leaf signed by `issuer` (which must be a CA
// made here). `alt_names` in openssl.cnf form ("IP:127.0.0.1,DNS:localhost"), "" for none.
inline TestCertificate MakeCertificate(const std::string& common_name, const std::string& alt_names,
                                       const TestCertificate* issuer) {
  static std::atomic<long> serial{1};
  KeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  CertPtr cert(X509_new(), &X509_free);
  if (!key || !cert) throw std::runtime_error("key or certificate allocation failed");
  KeyPtr issuer_key(nullptr, &EVP_PKEY_free);
  CertPtr issuer_cert(nullptr, &X509_free);
  if (issuer != nullptr) {
    issuer_key.reset(PEM_read_bio_PrivateKey(ReadBio(issuer->key_pem).get(), nullptr, nullptr, nullptr));
    issuer_cert.reset(PEM_read_bio_X509(ReadBio(issuer->certificate_pem).get(), nullptr, nullptr, nullptr));
    if (!issuer_key || !issuer_cert) throw std::runtime_error("issuer PEM unreadable");
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509* signer = issuer_cert ? issuer_cert.get() : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer, cert.get(), nullptr, nullptr, 0);
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, issuer == nullptr ? "critical,CA:TRUE" : "critical,CA:FALSE"}};
  if (!alt_names.empty()) extensions.emplace_back(NID_subject_alt_name, alt_names);
  for (const auto& [nid, value] : extensions) {
    std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> ext(
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), &X509_EXTENSION_free);
    if (!ext) throw std::runtime_error("extension failed");
    X509_add_ext(cert.get(), ext.get(), -1);
  }
  EVP_PKEY* signing_key = issuer_key ? issuer_key.get() : key.get();
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) == 0) throw std::runtime_error("signing failed");
  return ToPems(cert.get(), key.get());
}

// A CA that also serves as a server certificate for 127.0.0.1 and localhost.
inline TestCertificate MakeSelfSigned(const std::string& common_name = "localhost") {
  return MakeCertificate(common_name, "IP:127.0.0.1,DNS:localhost", nullptr);
}

// A client certificate issued by `ca` for `common_name`.
inline TestCertificate IssueClientCertificate(const TestCertificate& ca, const std::string& common_name) {
  return MakeCertificate(common_name, "DNS:" + common_name, &ca);
}

}  // namespace deliverer::test_tls
