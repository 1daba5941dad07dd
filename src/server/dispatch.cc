#include "server/dispatch.h"

#include "crypto/cipher.h"
#include "crypto/keyring.h"
#include "rabbitmq/dispatch_message.h"
#include "server/components.h"

namespace deliverer::server {

Result<std::unique_ptr<rabbitmq::DispatchQueue>> MakeDispatchQueue(const config::Config& config,
                                                                   metrics::Registry& metrics) {
  auto endpoint = rabbitmq::ParseUrl(config.queue.url);
  if (!endpoint.ok()) return endpoint.take_error();
  // The store opened (or made) the ring already. Its index key never changes, so a
  // destination keeps its key, and its partition, across restarts and processes.
  auto ring = crypto::LoadKeyRing(KeyRingPath(config));
  if (!ring.ok()) return ring.take_error();
  auto cipher = std::make_shared<const crypto::Cipher>(std::move(*ring));
  rabbitmq::DispatchOptions options;
  options.endpoint = std::move(*endpoint);
  options.partitions = config.queue.partitions;
  options.queue_prefix = config.queue.queue_prefix;
  options.prefetch = static_cast<uint16_t>(config.queue.prefetch);
  auto ordering_key = [cipher](const std::string& to) {
    return rabbitmq::OrderingKey(cipher->KeyedDigest("dispatch/" + to));
  };
  return std::make_unique<rabbitmq::DispatchQueue>(std::move(options), std::move(ordering_key), metrics);
}

}  // namespace deliverer::server
