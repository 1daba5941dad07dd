#include "tls/server_context.h"

namespace deliverer::tls {

namespace ssl = boost::asio::ssl;

namespace {

Error CannotLoad(std::string field, const std::string& path, const boost::system::error_code& ec) {
  return Error::Of("invalid_config", "'" + path + "' cannot be loaded: " + ec.message(), std::move(field));
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerContext(const std::string& certificate_chain,
                                                        const std::string& private_key) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(certificate_chain, ec);
  if (ec) return CannotLoad("certificate_chain", certificate_chain, ec);
  context->use_private_key_file(private_key, ssl::context::pem, ec);
  if (ec) return CannotLoad("private_key", private_key, ec);
  return context;
}

}  // namespace deliverer::tls
