#include "rabbitmq/client.h"

#include <fmt/format.h>
#include <sys/time.h>

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_tcp_socket.h>
#endif

#include <algorithm>

namespace deliverer::rabbitmq {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr int kFrameMax = 131072;

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

std::string ToString(amqp_bytes_t bytes) { return std::string(static_cast<const char*>(bytes.bytes), bytes.len); }

amqp_bytes_t Bytes(const std::string& s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }

// Why an RPC failed, without anything the caller passed in.
std::string Describe(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return fmt::format("connection closed by the broker: {} {}", close->reply_code, ToString(close->reply_text));
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        return fmt::format("channel closed by the broker: {} {}", close->reply_code, ToString(close->reply_text));
      }
      return "the broker answered with an unexpected method";
  }
  return "unknown reply";
}

}  // namespace

Result<Endpoint> ParseUrl(std::string_view url) {
  const auto bad = [](std::string_view why) { return Error::Of("invalid_config", fmt::format("rabbitmq url: {}", why)); };
  if (url.starts_with("amqps://")) return bad("amqps:// (TLS) is not supported; use amqp://");
  if (!url.starts_with("amqp://")) return bad("must start with amqp://");
  std::string copy(url);  // amqp_parse_url cuts the string it parses
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(copy.data(), &info) != AMQP_STATUS_OK) return bad("not a valid amqp:// URL");
  if (info.host == nullptr || *info.host == '\0') return bad("no host");
  Endpoint e;
  e.host = info.host;
  e.port = info.port;
  e.user = info.user != nullptr ? info.user : "guest";
  e.password = info.password != nullptr ? info.password : "guest";
  e.vhost = info.vhost != nullptr && *info.vhost != '\0' ? info.vhost : "/";
  return e;
}

Client::Client(Endpoint endpoint, Options options) : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

Client::~Client() { Close(); }

Error Client::Lost(std::string_view what) {
  if (connection_ != nullptr) {
    // No polite close: the connection is not answering.
    amqp_destroy_connection(connection_);
    connection_ = nullptr;
  }
  return Error::Of("rabbitmq_unavailable", fmt::format("rabbitmq {}:{}: {}", endpoint_.host, endpoint_.port, what));
}

Status Client::CheckReply(std::string_view what) {
  const amqp_rpc_reply_t reply = amqp_get_rpc_reply(connection_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return Status::Ok();
  return Lost(fmt::format("{}: {}", what, Describe(reply)));
}

Status Client::Connect() {
  Close();
  next_publish_tag_ = 1;
  connection_ = amqp_new_connection();
  if (connection_ == nullptr) return Lost("out of memory");
  amqp_socket_t* socket = amqp_tcp_socket_new(connection_);
  if (socket == nullptr) return Lost("cannot make a socket");
  timeval timeout = ToTimeval(options_.timeout);
  if (int s = amqp_socket_open_noblock(socket, endpoint_.host.c_str(), endpoint_.port, &timeout); s != AMQP_STATUS_OK) {
    return Lost(fmt::format("cannot connect: {}", amqp_error_string2(s)));
  }
  amqp_set_rpc_timeout(connection_, &timeout);
  amqp_set_handshake_timeout(connection_, &timeout);
  amqp_table_entry_t name_entry;
  name_entry.key = amqp_cstring_bytes("connection_name");
  name_entry.value.kind = AMQP_FIELD_KIND_UTF8;
  name_entry.value.value.bytes = Bytes(options_.name);
  const amqp_table_t properties{options_.name.empty() ? 0 : 1, &name_entry};
  const amqp_rpc_reply_t login =
      amqp_login_with_properties(connection_, endpoint_.vhost.c_str(), 0, kFrameMax, options_.heartbeat_s,
                                 &properties, AMQP_SASL_METHOD_PLAIN, endpoint_.user.c_str(), endpoint_.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) return Lost(fmt::format("login: {}", Describe(login)));
  amqp_channel_open(connection_, kChannel);
  return CheckReply("channel.open");
}

void Client::Close() {
  if (connection_ == nullptr) return;
  // A broker that does not answer holds a stop for a second at most, not for `timeout`.
  const timeval patience = ToTimeval(std::min(options_.timeout, std::chrono::milliseconds(1000)));
  amqp_set_rpc_timeout(connection_, &patience);
  amqp_channel_close(connection_, kChannel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(connection_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(connection_);
  connection_ = nullptr;
}

int Client::Fd() const { return connection_ == nullptr ? -1 : amqp_get_sockfd(connection_); }

Status Client::DeclareQueue(const std::string& name, bool single_active_consumer) {
  if (connection_ == nullptr) return Lost("not connected");
  amqp_table_entry_t entries[2];
  entries[0].key = amqp_cstring_bytes("x-queue-type");
  entries[0].value.kind = AMQP_FIELD_KIND_UTF8;
  entries[0].value.value.bytes = amqp_cstring_bytes("quorum");
  entries[1].key = amqp_cstring_bytes("x-single-active-consumer");
  entries[1].value.kind = AMQP_FIELD_KIND_BOOLEAN;
  entries[1].value.value.boolean = 1;
  const amqp_table_t arguments{single_active_consumer ? 2 : 1, entries};
  amqp_queue_declare(connection_, kChannel, Bytes(name), /*passive=*/0, /*durable=*/1, /*exclusive=*/0,
                     /*auto_delete=*/0, arguments);
  return CheckReply("queue.declare");
}

Result<uint64_t> Client::ReadyCount(const std::string& name) {
  if (connection_ == nullptr) return Lost("not connected");
  const amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(connection_, kChannel, Bytes(name), /*passive=*/1, 0, 0, 0, amqp_empty_table);
  if (Status s = CheckReply("queue.declare (passive)"); !s.ok()) return s.error();
  return static_cast<uint64_t>(ok->message_count);
}

Status Client::EnableConfirms() {
  if (connection_ == nullptr) return Lost("not connected");
  amqp_confirm_select(connection_, kChannel);
  return CheckReply("confirm.select");
}

Status Client::Publish(const std::vector<std::pair<std::string, std::string>>& messages) {
  if (connection_ == nullptr) return Lost("not connected");
  if (messages.empty()) return Status::Ok();
  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
  properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  properties.content_type = amqp_cstring_bytes("text/plain");
  const uint64_t first = next_publish_tag_;
  for (const auto& [queue, body] : messages) {
    const int s = amqp_basic_publish(connection_, kChannel, amqp_empty_bytes, Bytes(queue), /*mandatory=*/0,
                                     /*immediate=*/0, &properties, Bytes(body));
    if (s != AMQP_STATUS_OK) return Lost(fmt::format("publish: {}", amqp_error_string2(s)));
    ++next_publish_tag_;
  }
  // Confirms come as basic.ack (or basic.nack), each for one tag or, with `multiple`, for
  // every tag up to it.
  std::vector<bool> confirmed(messages.size(), false);
  size_t missing = messages.size();
  bool refused = false;
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (missing > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Lost("no publisher confirm in time");
    timeval wait = ToTimeval(left);
    amqp_frame_t frame;
    const int s = amqp_simple_wait_frame_noblock(connection_, &frame, &wait);
    if (s == AMQP_STATUS_TIMEOUT) continue;
    if (s != AMQP_STATUS_OK) return Lost(fmt::format("waiting for confirms: {}", amqp_error_string2(s)));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    uint64_t tag = 0;
    bool multiple = false;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
        tag = ack->delivery_tag;
        multiple = ack->multiple != 0;
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
        tag = nack->delivery_tag;
        multiple = nack->multiple != 0;
        refused = true;
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        return Lost("closed by the broker while publishing");
      default:
        continue;
    }
    if (tag < first) continue;
    const size_t upto = std::min<uint64_t>(tag - first, messages.size() - 1);
    for (size_t i = multiple ? 0 : upto; i <= upto; ++i) {
      if (!confirmed[i]) {
        confirmed[i] = true;
        --missing;
      }
    }
  }
  if (refused) return Error::Of("rabbitmq_refused", "the broker refused some messages (basic.nack)");
  return Status::Ok();
}

Status Client::Consume(const std::string& queue, uint16_t prefetch) {
  if (connection_ == nullptr) return Lost("not connected");
  amqp_basic_qos(connection_, kChannel, 0, prefetch, /*global=*/0);
  if (Status s = CheckReply("basic.qos"); !s.ok()) return s;
  amqp_basic_consume(connection_, kChannel, Bytes(queue), amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0,
                     /*exclusive=*/0, amqp_empty_table);
  return CheckReply("basic.consume");
}

bool Client::Buffered() const {
  return connection_ != nullptr && (amqp_frames_enqueued(connection_) != 0 || amqp_data_in_buffer(connection_) != 0);
}

Result<std::optional<Message>> Client::Next(std::chrono::milliseconds wait) {
  if (connection_ == nullptr) return Lost("not connected");
  amqp_maybe_release_buffers(connection_);
  timeval timeout = ToTimeval(wait);
  amqp_envelope_t envelope;
  const amqp_rpc_reply_t reply = amqp_consume_message(connection_, &envelope, &timeout, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    Message m;
    m.delivery_tag = envelope.delivery_tag;
    m.queue = ToString(envelope.routing_key);
    m.body = ToString(envelope.message.body);
    m.redelivered = envelope.redelivered != 0;
    amqp_destroy_envelope(&envelope);
    return std::optional<Message>(std::move(m));
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
    return std::optional<Message>();
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Something other than a delivery is waiting: read it.
    amqp_frame_t frame;
    timeval none{0, 0};
    const int s = amqp_simple_wait_frame_noblock(connection_, &frame, &none);
    if (s == AMQP_STATUS_TIMEOUT) return std::optional<Message>();
    if (s != AMQP_STATUS_OK) return Lost(fmt::format("reading: {}", amqp_error_string2(s)));
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      switch (frame.payload.method.id) {
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
          return Lost("closed by the broker");
        case AMQP_BASIC_CANCEL_METHOD:
          return Lost("the broker cancelled a consumer (its queue was deleted?)");
        default:
          break;
      }
    }
    return std::optional<Message>();
  }
  return Lost(fmt::format("consuming: {}", Describe(reply)));
}

Status Client::Ack(uint64_t delivery_tag) {
  if (connection_ == nullptr) return Lost("not connected");
  if (int s = amqp_basic_ack(connection_, kChannel, delivery_tag, 0); s != AMQP_STATUS_OK) {
    return Lost(fmt::format("ack: {}", amqp_error_string2(s)));
  }
  return Status::Ok();
}

}  // namespace deliverer::rabbitmq
