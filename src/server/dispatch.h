#pragma once
// [queue] backend = "rabbitmq" (docs/deployment.md "Dispatch through RabbitMQ"): the
// delivering process's dispatch queue on RabbitMQ.
#include <memory>

#include "config/config.h"
#include "metrics/metrics.h"
#include "rabbitmq/dispatch_queue.h"

namespace deliverer::server {

// Deliveries waiting for the broker's confirm beyond which the hand-over stops feeding
// the queue (the outbox in the store holds the rest meanwhile).
inline constexpr size_t kDispatchPendingHighWater = 20'000;

// The queue, publishing and consuming. Errors: the URL's ("invalid_config"), the key
// ring's (it orders destinations by their keyed hash).
Result<std::unique_ptr<rabbitmq::DispatchQueue>> MakeDispatchQueue(const config::Config& config,
                                                                   metrics::Registry& metrics);

}  // namespace deliverer::server
