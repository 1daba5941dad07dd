// The servers scripts/test-services starts for the run, reached through the client
// libraries the product links: libpq, rabbitmq-c and hiredis.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <sys/time.h>
#include <unistd.h>

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_tcp_socket.h>
#endif

#include <memory>
#include <string>

#include "support/services.h"

namespace deliverer::test_support {
namespace {

// Names of this process's own, as every test of the run shares the servers.
std::string OwnName(const std::string& prefix) { return prefix + std::to_string(::getpid()); }

// --- PostgreSQL -------------------------------------------------------------------------

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// The first value of `sql`'s first row; a failure of the test when there is none.
std::string Value(PGconn* connection, const char* sql) {
  PgResult result(PQexec(connection, sql), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) < 1) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(connection);
    return "";
  }
  return PQgetvalue(result.get(), 0, 0);
}

TEST(Services, PostgresAnswersWithTheSettingsTestsRelyOn) {
  PgConnection connection(PQconnectdb(ServiceUrl("postgres").c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
  EXPECT_EQ(Value(connection.get(), "SELECT 1"), "1");
  EXPECT_EQ(Value(connection.get(), "SELECT current_database()"), "deliverer");
  EXPECT_EQ(Value(connection.get(), "SHOW fsync"), "on");
  EXPECT_EQ(Value(connection.get(), "SHOW synchronous_commit"), "on");
  EXPECT_EQ(Value(connection.get(), "SHOW max_connections"), "200");
  EXPECT_EQ(Value(connection.get(), "SHOW server_encoding"), "UTF8");
}

// --- RabbitMQ ---------------------------------------------------------------------------

struct AmqpDeleter {
  void operator()(amqp_connection_state_t connection) const { amqp_destroy_connection(connection); }
};
using AmqpConnection = std::unique_ptr<amqp_connection_state_t_, AmqpDeleter>;

::testing::AssertionResult Ok(const amqp_rpc_reply_t& reply, const char* what) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure() << what << ": reply type " << reply.reply_type;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) failure << ", " << amqp_error_string2(reply.library_error);
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION) failure << ", method " << std::hex << reply.reply.id;
  return failure;
}

TEST(Services, RabbitMqConfirmsAndDeliversThroughAQuorumQueue) {
  std::string url = ServiceUrl("rabbitmq");
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  ASSERT_EQ(amqp_parse_url(url.data(), &info), AMQP_STATUS_OK) << url;
  AmqpConnection connection(amqp_new_connection());
  amqp_socket_t* socket = amqp_tcp_socket_new(connection.get());
  ASSERT_NE(socket, nullptr);
  ASSERT_EQ(amqp_socket_open(socket, info.host, info.port), AMQP_STATUS_OK);
  amqp_connection_state_t c = connection.get();
  ASSERT_TRUE(Ok(amqp_login(c, info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password),
                 "login"));
  amqp_channel_open(c, 1);
  ASSERT_TRUE(Ok(amqp_get_rpc_reply(c), "channel.open"));
  amqp_confirm_select(c, 1);
  ASSERT_TRUE(Ok(amqp_get_rpc_reply(c), "confirm.select"));

  const std::string queue = OwnName("services_test.");
  amqp_table_entry_t quorum;
  quorum.key = amqp_cstring_bytes("x-queue-type");
  quorum.value.kind = AMQP_FIELD_KIND_UTF8;
  quorum.value.value.bytes = amqp_cstring_bytes("quorum");
  const amqp_table_t arguments{1, &quorum};
  amqp_queue_declare(c, 1, amqp_cstring_bytes(queue.c_str()), 0, /*durable=*/1, 0, 0, arguments);
  ASSERT_TRUE(Ok(amqp_get_rpc_reply(c), "queue.declare (quorum)"));

  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  properties.delivery_mode = 2;  // persistent
  ASSERT_EQ(amqp_basic_publish(c, 1, amqp_empty_bytes, amqp_cstring_bytes(queue.c_str()), 0, 0, &properties,
                               amqp_cstring_bytes("hello")),
            AMQP_STATUS_OK);
  amqp_frame_t frame;
  timeval confirm_timeout{10, 0};
  ASSERT_EQ(amqp_simple_wait_frame_noblock(c, &frame, &confirm_timeout), AMQP_STATUS_OK);
  ASSERT_EQ(frame.frame_type, AMQP_FRAME_METHOD);
  EXPECT_EQ(frame.payload.method.id, AMQP_BASIC_ACK_METHOD);

  amqp_basic_qos(c, 1, 0, 10, 0);
  ASSERT_TRUE(Ok(amqp_get_rpc_reply(c), "basic.qos"));
  amqp_basic_consume(c, 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, /*no_ack=*/0, 0,
                     amqp_empty_table);
  ASSERT_TRUE(Ok(amqp_get_rpc_reply(c), "basic.consume"));
  amqp_envelope_t envelope;
  timeval consume_timeout{10, 0};
  amqp_maybe_release_buffers(c);
  ASSERT_TRUE(Ok(amqp_consume_message(c, &envelope, &consume_timeout, 0), "consume"));
  EXPECT_EQ(std::string(static_cast<const char*>(envelope.message.body.bytes), envelope.message.body.len), "hello");
  EXPECT_EQ(amqp_basic_ack(c, 1, envelope.delivery_tag, 0), AMQP_STATUS_OK);
  amqp_destroy_envelope(&envelope);

  amqp_queue_delete(c, 1, amqp_cstring_bytes(queue.c_str()), 0, 0);
  EXPECT_TRUE(Ok(amqp_get_rpc_reply(c), "queue.delete"));
  EXPECT_TRUE(Ok(amqp_channel_close(c, 1, AMQP_REPLY_SUCCESS), "channel.close"));
  EXPECT_TRUE(Ok(amqp_connection_close(c, AMQP_REPLY_SUCCESS), "connection.close"));
}

// --- Redis ------------------------------------------------------------------------------

using RedisContext = std::unique_ptr<redisContext, decltype(&redisFree)>;
using RedisReply = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

RedisReply Command(redisContext* context, const char* format, const std::string& argument = "") {
  return RedisReply(static_cast<redisReply*>(redisCommand(context, format, argument.c_str())), &freeReplyObject);
}

TEST(Services, RedisAnswersPingAndCounts) {
  const std::string url = ServiceUrl("redis");
  const std::string host = url.substr(url.find("//") + 2, url.rfind(':') - url.find("//") - 2);
  const timeval timeout{5, 0};
  RedisContext context(redisConnectWithTimeout(host.c_str(), ServicePort("redis"), timeout), &redisFree);
  ASSERT_TRUE(context && context->err == 0) << url << ": " << (context ? context->errstr : "no context");

  const RedisReply pong = Command(context.get(), "PING");
  ASSERT_TRUE(pong && pong->type == REDIS_REPLY_STATUS);
  EXPECT_EQ(std::string(pong->str), "PONG");
  const std::string key = OwnName("services_test:");
  Command(context.get(), "DEL %s", key);
  for (long long expected : {1, 2}) {
    const RedisReply count = Command(context.get(), "INCR %s", key);
    ASSERT_TRUE(count && count->type == REDIS_REPLY_INTEGER);
    EXPECT_EQ(count->integer, expected);
  }
  Command(context.get(), "DEL %s", key);
}

}  // namespace
}  // namespace deliverer::test_support
