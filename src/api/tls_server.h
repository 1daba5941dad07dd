#pragma once
// TLS for the HTTP listener (docs/reliability.md S12, docs/api.md "Carrier callbacks"): the server
// context from the configured certificate chain and key, TLS 1.2 or newer, and, when a
// client CA is given, a request for a client certificate on every handshake.
//
// A client certificate is asked for, not demanded: producers on /v1/messages present
// none. One the CA does not vouch for does not fail the handshake either; the connection
// goes on unverified, and the routes that need a certificate (carrier callbacks) answer
// 401, as every other unauthenticated callback does.
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "api/http_types.h"
#include "common/result.h"

namespace deliverer::api {

struct TlsServerFiles {
  std::string certificate_chain;  // PEM: the server certificate, then intermediates
  std::string private_key;        // PEM
  std::string client_ca;          // PEM; "" = no client certificates asked for
};

// Error "invalid_config" naming the file that cannot be loaded.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsServerFiles& files);

// After the handshake: whether the client presented a certificate the client CA vouches
// for, and the names in it (subject CN, then DNS SANs).
ClientCertificate VerifiedClientCertificate(SSL* ssl);

}  // namespace deliverer::api
