#pragma once
// The server side of TLS, shared by the HTTP listener (api/tls_server.h) and the
// simulator's SMPP listener: TLS 1.2 or newer, a certificate chain and its private key.
// Each caller adds what is its own (the HTTP listener's client certificates).
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "common/result.h"

namespace deliverer::tls {

// On failure: code "invalid_config", field "certificate_chain" or "private_key" (the file
// that failed), detail "'<path>' cannot be loaded: <reason>".
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerContext(const std::string& certificate_chain,
                                                                     const std::string& private_key);

}  // namespace deliverer::tls
