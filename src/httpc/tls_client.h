#pragma once
// The one way a client TLS context is made (docs/reliability.md S12): TLS 1.2 or newer, the
// peer verified against the system's trust store or the given CA file. Host names are
// checked per connection (httpc::Connection, smpp::net::SmppClient), since one context
// may serve several hosts.
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "common/result.h"

namespace deliverer::httpc {

struct TlsClientOptions {
  bool verify = true;   // false only by an explicit per-carrier choice (tls_verify = false)
  std::string ca_file;  // "" = the system's trust store
};

// Error "tls_trust" when the trust anchors cannot be loaded.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeClientTlsContext(const TlsClientOptions& options);

}  // namespace deliverer::httpc
