#pragma once
// What a dispatch message on RabbitMQ says (docs/deployment.md "Dispatch through
// RabbitMQ"): a message's id and what orders it, never its body or its numbers. Pure,
// thread-safe.
//
// The destination travels as its ordering key: 16 hex digits of the key ring's keyed
// hash of the number (crypto/cipher.h KeyedDigest), equal for equal numbers in every
// process of one installation and meaningless without the ring. The key also picks the
// message's partition queue, so one destination's messages share a queue and its order.
//
// Body, ASCII, space-separated: "d1 <id> <ordering key> <priority 0-2> <queued_at ms>".
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "queue/queue.h"

namespace deliverer::rabbitmq {

// The ordering key of a destination from the first bytes of its keyed digest.
std::string OrderingKey(const std::array<unsigned char, 32>& digest);
// The partition (0 … partitions-1) of an ordering key; 0 for one that is not one.
int PartitionOf(std::string_view ordering_key, int partitions);
// "<prefix><partition>", e.g. "deliverer.dispatch.7".
std::string PartitionQueue(std::string_view prefix, int partition);

// `delivery.destination` must be its ordering key already.
std::string EncodeDispatch(const queue::Delivery& delivery);
// The delivery, its destination the ordering key and its attempt 0; nullopt for anything
// that is not exactly a dispatch message (bytes from the broker are outside input).
std::optional<queue::Delivery> DecodeDispatch(std::string_view body);

}  // namespace deliverer::rabbitmq
