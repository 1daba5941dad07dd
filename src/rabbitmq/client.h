#pragma once
// A synchronous AMQP 0-9-1 connection to RabbitMQ over rabbitmq-c (0.11 on Debian 12,
// blocking): one channel, quorum queues, publishes in batches waited on by publisher
// confirms, and a consumer with manual acks. Every call is bounded by a timeout. After any
// failure the connection is dropped: the caller connects again (a new connection starts
// a new generation of delivery tags; tags of an older one are never acked on it).
//
// Not thread-safe: one thread per Client (rabbitmq-c's connections are not shared).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct amqp_connection_state_t_;

namespace deliverer::rabbitmq {

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";  // never in an error or a log line
  std::string vhost = "/";
};

// amqp://[user[:password]@]host[:port][/vhost]; errors never repeat the URL (it may hold a
// password). amqps:// is refused: rabbitmq-c's TLS is not built in here.
Result<Endpoint> ParseUrl(std::string_view url);

struct Message {
  uint64_t delivery_tag = 0;
  std::string queue;  // the queue it was consumed from
  std::string body;
  bool redelivered = false;
};

class Client {
 public:
  struct Options {
    std::chrono::milliseconds timeout{5000};  // connect, each RPC, each wait for confirms
    // AMQP heartbeat in seconds (0: none). A consumer needs it to notice a broker that
    // vanished without closing the connection; it must then call Next() at least every
    // heartbeat / 2.
    int heartbeat_s = 0;
    std::string name;  // shown in RabbitMQ's connection list
  };

  Client(Endpoint endpoint, Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens the connection and its channel. Errors: "rabbitmq_unavailable".
  Status Connect();
  bool connected() const { return connection_ != nullptr; }
  // Closes, politely when it can, waiting a second at most for the broker: unacked
  // deliveries go back to their queues.
  void Close();
  // The socket, for poll(); -1 when not connected.
  int Fd() const;

  // Declares a durable quorum queue; with `single_active_consumer` RabbitMQ delivers to
  // one consumer at a time, the others standing by (its order kept across a failover).
  Status DeclareQueue(const std::string& name, bool single_active_consumer);
  // Ready messages in `name` (passive declare).
  Result<uint64_t> ReadyCount(const std::string& name);

  // Publisher confirms on this channel; once, before Publish.
  Status EnableConfirms();
  // Publishes each (queue, body) persistently through the default exchange and waits until
  // the broker confirmed all of them (durable in a quorum queue's majority). Errors:
  // "rabbitmq_unavailable" (the connection failed or no confirm came in time: some may have
  // been taken), "rabbitmq_refused" (a nack: the broker could not take them).
  Status Publish(const std::vector<std::pair<std::string, std::string>>& messages);

  // Starts consuming `queue` with manual acks, at most `prefetch` unacked per consumer.
  Status Consume(const std::string& queue, uint16_t prefetch);
  // The next delivery within `wait` (0: only what has arrived already); nullopt when none
  // came. Errors: "rabbitmq_unavailable" (the connection or channel ended, or a consumer
  // was cancelled by the broker: its queue was deleted).
  Result<std::optional<Message>> Next(std::chrono::milliseconds wait);
  // True when Next(0) may have something without reading the socket.
  bool Buffered() const;
  Status Ack(uint64_t delivery_tag);

 private:
  Error Lost(std::string_view what);
  Status CheckReply(std::string_view what);

  const Endpoint endpoint_;
  const Options options_;
  amqp_connection_state_t_* connection_ = nullptr;
  uint64_t next_publish_tag_ = 1;  // publisher confirms' sequence on the channel
};

}  // namespace deliverer::rabbitmq
