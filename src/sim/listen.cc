#include "sim/listen.h"

#include <fmt/format.h>

namespace deliverer::sim {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<tcp::endpoint> Listen(tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Error::Of("invalid_config", fmt::format("'{}' is not an IP address", host));
  const tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::Of("listen_failed",
                     fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  }
  return acceptor.local_endpoint(ec);
}

}  // namespace deliverer::sim
