#pragma once
// The real servers a test runs against: PostgreSQL, RabbitMQ and Redis, started for the
// test run by scripts/test-services (docs/testing.md "Real servers: PostgreSQL, RabbitMQ,
// Redis"). A test names what it needs in CMake, deliverer_test(... SERVICES postgres redis),
// and CTest then starts those servers before it (fixtures service_postgres, ...) and sets
// DELIVERER_TEST_SERVICES_DIR, whose <service>/ folders these functions read.
//
// `service` is "postgres", "rabbitmq" or "redis". The servers are shared by every test of
// the run, so a test uses names of its own (tables, queues, keys) and one that kills a
// server runs alone (deliverer_test(... SERIAL)) and restarts it before it ends.
//
// Every function throws std::runtime_error, which fails the calling test with its message,
// when the variable or a file is missing: a test that needs a server fails, never skips.
// Thread-safe (no state of their own).
#include <sys/types.h>

#include <string>
#include <string_view>

namespace deliverer::test_support {

// What to connect to, one line as the script wrote it:
//   postgres  postgresql://deliverer@127.0.0.1:PORT/deliverer  (trust authentication)
//   rabbitmq  amqp://guest:guest@127.0.0.1:PORT/%2f  (virtual host "/": a bare trailing
//             slash would name the virtual host "" in amqp_parse_url)
//   redis     redis://127.0.0.1:PORT
std::string ServiceUrl(std::string_view service);

// The port of ServiceUrl(service).
int ServicePort(std::string_view service);

// The server's main process: the postmaster, the Erlang VM, redis-server.
pid_t ServicePid(std::string_view service);

// kill -9 of ServicePid(service); returns once that process has ended. Connections to it
// break; the server stays down until RestartService.
void KillService(std::string_view service);

// `scripts/test-services restart`: the same server on the same port with the same data
// (Redis keeps none), whether it was killed or still runs; returns once it accepts
// connections. Blocks for up to a minute (RabbitMQ takes several seconds).
void RestartService(std::string_view service);

}  // namespace deliverer::test_support
