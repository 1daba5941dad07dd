#pragma once
// Opening a listening socket for the simulator's endpoints. Thread-compatible.
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

#include "common/result.h"

namespace deliverer::sim {

// Opens, binds (port 0: a free one) and listens; the bound endpoint. Errors:
// "invalid_config" when `host` is no IP address, "listen_failed" otherwise.
Result<boost::asio::ip::tcp::endpoint> Listen(boost::asio::ip::tcp::acceptor& acceptor,
                                              const std::string& host, uint16_t port);

}  // namespace deliverer::sim
