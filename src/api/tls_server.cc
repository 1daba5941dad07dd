#include "api/tls_server.h"

#include <openssl/x509v3.h>

#include "tls/server_context.h"

namespace deliverer::api {

namespace ssl = boost::asio::ssl;

namespace {

void AddSubjectCommonName(X509* certificate, std::vector<std::string>& names) {
  X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return;
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
}

void AddDnsNames(X509* certificate, std::vector<std::string>& names) {
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (sans == nullptr) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
    if (name->type != GEN_DNS) continue;
    const ASN1_STRING* dns = name->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                       static_cast<size_t>(ASN1_STRING_length(dns)));
  }
  GENERAL_NAMES_free(sans);
}

Error CannotLoad(std::string_view what, const std::string& path, const boost::system::error_code& ec) {
  return Error::Of("invalid_config",
                   "[server] " + std::string(what) + " '" + path + "' cannot be loaded: " + ec.message());
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const TlsServerFiles& files) {
  auto made = tls::MakeServerContext(files.certificate_chain, files.private_key);
  if (!made.ok()) {
    const char* key = made.error().field == "private_key" ? "tls_key_file" : "tls_cert_file";
    return Error::Of("invalid_config", "[server] " + std::string(key) + " " + made.error().detail);
  }
  std::unique_ptr<ssl::context> context = std::move(*made);
  boost::system::error_code ec;
  if (files.client_ca.empty()) return context;

  context->load_verify_file(files.client_ca, ec);
  if (ec) return CannotLoad("client_ca_file", files.client_ca, ec);
  // Tell clients which CA to pick their certificate from.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str())) {
    SSL_CTX_set_client_CA_list(context->native_handle(), names);
  }
  context->set_verify_mode(ssl::verify_peer);
  // Go on whatever the chain's verdict: it stays readable through SSL_get_verify_result,
  // and the route decides what an unverified client may do.
  context->set_verify_callback([](bool, ssl::verify_context&) { return true; }, ec);
  // Session resumption with client certificates needs a context id, or resumed handshakes fail.
  static constexpr unsigned char kSessionContext[] = "deliverer-http";
  SSL_CTX_set_session_id_context(context->native_handle(), kSessionContext, sizeof kSessionContext - 1);
  return context;
}

ClientCertificate VerifiedClientCertificate(SSL* ssl) {
  ClientCertificate out;
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (certificate == nullptr) return out;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    out.verified = true;
    AddSubjectCommonName(certificate, out.names);
    AddDnsNames(certificate, out.names);
  }
  X509_free(certificate);
  return out;
}

}  // namespace deliverer::api
