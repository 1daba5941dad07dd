#include "httpc/tls_client.h"

namespace deliverer::httpc {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> MakeClientTlsContext(const TlsClientOptions& options) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (options.ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return Error{"tls_trust", "cannot load TLS trust anchors from " +
                                  (options.ca_file.empty() ? std::string("the system store") : options.ca_file) +
                                  ": " + ec.message()};
  }
  context->set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
  return context;
}

}  // namespace deliverer::httpc
