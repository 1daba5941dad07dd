// libFuzzer target: raw bytes from a client through the API's whole HTTP stack, as
// HttpServer runs it on a socket: api::HttpSession (framing, chunked bodies, trailers,
// pipelining, Expect: 100-continue, the limits) over an in-memory Beast stream, in front
// of a real api::Api (authentication, routes, handlers, problem answers) over a real
// SQLite store. Nothing may crash, leak, hang or trip a sanitizer, and what the session
// writes back must hold the properties of response_check.h.
//
// Built once per process: the store (in a fresh folder, removed at exit), the Api, and
// two API keys the seeds use (make_http_seeds.py): kAdminKey with every scope and
// kSendKey with messages:send only. Carrier callbacks are configured for "fuzz-token"
// (X-Carrier-Token / X-Carrier-Signature with kCarrierToken) and "fuzz-allow" (the
// peer's address); their bodies are read by the HTTP carriers' own parsers
// (carriers/http/callbacks.h) and, when they read, count as recorded. The clock stands
// still, so signatures the seeds carry stay fresh.
//
// Each input: a fresh io_context and stream pair; the client side writes the input and
// closes, the session runs until it returns. The stream hands the session the bytes in
// pieces (fuzz/support/read_size.h).
//
// The store's writer waits for an fdatasync of its log before it answers a write; the
// folder goes on /dev/shm when there is one, where that sync costs nothing.
//
// HTTP_SERVER_FUZZ_ECHO=1 in the environment prints what the session wrote, for writing
// seeds: http_server_fuzz FILE…
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "api/api.h"
#include "api/http_session.h"
#include "auth/api_key.h"
#include "carriers/http/callbacks.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/unhandled.h"
#include "fuzz/support/read_size.h"
#include "metrics/metrics.h"
#include "response_check.h"
#include "store/sqlite/sqlite_store.h"
#include "validation/request.h"

namespace {

namespace api = deliverer::api;
namespace asio = boost::asio;
namespace auth = deliverer::auth;
namespace store = deliverer::store;
using TestStream = boost::beast::test::stream;

// Fixed keys: valid in form and checksum, so the seeds can carry them. Not secrets.
constexpr std::string_view kAdminKey = "dlv_FuzzAdminKey_NotASecretOnlyForFuzz0MneIXA";
constexpr std::string_view kSendKey = "dlv_FuzzSendOnly_NotASecretOnlyForFuzz0XqXisr";
constexpr std::string_view kCarrierToken = "fuzz-carrier-token";
constexpr std::string_view kPeerIp = "192.0.2.1";

[[noreturn]] void Fail(const std::string& problem) {
  std::fprintf(stderr, "http_server_fuzz: %s\n", problem.c_str());
  std::abort();
}

std::filesystem::path StoreFolder() {
  std::error_code ec;
  const std::filesystem::path shm = "/dev/shm";
  const std::filesystem::path base =
      std::filesystem::is_directory(shm, ec) ? shm : std::filesystem::temp_directory_path();
  return base / ("deliverer-http-server-fuzz-" + std::to_string(::getpid()));
}

struct Harness {
  deliverer::FakeClock clock;
  std::filesystem::path folder = StoreFolder();
  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::unique_ptr<deliverer::validation::Validator> validator;
  deliverer::metrics::Registry registry;
  std::unique_ptr<api::Api> api;
  api::HttpLimits limits;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
};

void AddKey(Harness& h, std::string_view key, uint32_t scopes) {
  const std::optional<std::string> key_id = auth::ParseKey(key);
  if (!key_id) Fail("the fixed key " + std::string(key) + " does not parse");
  const int64_t now = h.clock.NowUnixMillis();
  deliverer::Status s = h.store->CreateApiKey(
      store::ApiKeyRecord{*key_id, "fuzz", auth::HashKey(key), scopes, now, std::nullopt, std::nullopt},
      store::AuditEntry{0, now, "", "fuzz", "local", "key.create", *key_id, ""});
  if (!s.ok()) Fail("cannot create a key: " + s.error().detail);
}

// The carrier callbacks' bodies, read as a process that delivers reads them; what reads is
// recorded at once.
class ReadingSink final : public deliverer::carriers::CallbackSink {
 public:
  void OnReceiptBody(const std::string&, std::string_view content_type, std::string_view body,
                     Done done) override {
    auto receipt = deliverer::carriers::http::ParseCallbackReceipt(content_type, body);
    done(receipt.ok() ? deliverer::Status::Ok() : deliverer::Status(receipt.take_error()));
  }
  void OnInboundBody(const std::string&, std::string_view content_type, std::string_view body,
                     Done done) override {
    auto inbound = deliverer::carriers::http::ParseCallbackInbound(content_type, body);
    done(inbound.ok() ? deliverer::Status::Ok() : deliverer::Status(inbound.take_error()));
  }
};

// The delivering side of a process, without delivery: committed messages are dropped (a
// queue that kept them would grow with every run), and one carrier is up.
class DroppingQueue final : public deliverer::queue::Queue {
 public:
  void Subscribe(deliverer::queue::Consumer*) override {}
  void Publish(std::vector<deliverer::queue::Delivery>) override {}
  std::vector<deliverer::queue::Delivery> Take(int64_t, size_t) override { return {}; }
  void Ack(const deliverer::queue::Delivery&) override {}
  void Retry(deliverer::queue::Delivery, int64_t) override {}
  std::optional<int64_t> NextRetryAt() const override { return std::nullopt; }
  size_t Depth() const override { return 0; }
  std::optional<int64_t> OldestQueuedAt() const override { return std::nullopt; }
};

class OneCarrierUp final : public api::DeliveryView {
 public:
  api::DeliveryStatus Snapshot() const override { return {}; }
  int CarriersUp() const override { return 1; }
};

api::ApiOptions Options() {
  static ReadingSink sink;
  static DroppingQueue queue;
  static OneCarrierUp delivery;
  api::ApiOptions o;
  o.queue = &queue;
  o.delivery = &delivery;
  o.carrier_callbacks = {
      api::CallbackAuth{"fuzz-token", {}, std::string(kCarrierToken), false, ""},
      api::CallbackAuth{"fuzz-allow", {"192.0.2.0/24"}, "", false, ""},
  };
  o.callback_sink = &sink;
  return o;
}

Harness& TheHarness() {
  static Harness* harness = [] {
    deliverer::log::Init(deliverer::log::Level::kError, deliverer::log::Format::kText);
    // The message path must never throw: an exception caught at a boundary is a finding.
    deliverer::SetUnhandledCounter([](std::string_view component) {
      Fail("an exception reached the " + std::string(component) + " boundary");
    });
    auto* h = new Harness;
    std::filesystem::remove_all(h->folder);
    auto opened = store::sqlite::SqliteStore::Open(store::sqlite::SqliteOptions{h->folder.string()}, h->clock);
    if (!opened.ok()) Fail("cannot open the store: " + opened.error().detail);
    h->store = std::move(*opened);
    auto validator = deliverer::validation::Validator::Create({{"(?i)casino"}, false});
    if (!validator.ok()) Fail("cannot create the validator");
    h->validator = std::move(*validator);
    AddKey(*h, kAdminKey, auth::kScopeSend | auth::kScopeRead | auth::kScopeSuppressionsWrite | auth::kScopeAdmin);
    AddKey(*h, kSendKey, auth::kScopeSend);
    store::sqlite::SqliteStore& backend = *h->store;
    h->api = std::make_unique<api::Api>(
        api::ApiStores{backend, backend, backend, backend, backend, backend, backend}, *h->validator, h->registry,
        h->clock, Options());
    std::atexit([] { std::filesystem::remove_all(StoreFolder()); });
    return h;
  }();
  return *harness;
}

asio::awaitable<void> Serve(Harness& h, TestStream& server) {
  api::SessionTransport transport{[&server] { server.close(); }, nullptr};
  api::HttpSession<TestStream> session(server, api::Peer{std::string(kPeerIp), {}}, *h.api, h.limits,
                                       api::SessionShared{h.stopping, h.in_flight}, std::move(transport),
                                       server.get_executor());
  co_await session.Run();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& h = TheHarness();
  asio::io_context io;
  TestStream server(io);
  TestStream client(io);
  server.connect(client);
  server.read_size(deliverer::fuzz::ReadSizeFor(size));
  asio::write(client, asio::buffer(data, size));
  client.close();

  bool finished = false;
  asio::co_spawn(io, Serve(h, server), [&finished](std::exception_ptr error) {
    if (error) Fail("the session threw");
    finished = true;
  });
  io.run();
  if (!finished) Fail("the session did not finish");
  const std::string written(client.str());
  static const bool echo = std::getenv("HTTP_SERVER_FUZZ_ECHO") != nullptr;
  if (echo) std::fwrite(written.data(), 1, written.size(), stderr);
  if (std::string problem = api::fuzz::CheckWrittenResponses(written); !problem.empty()) Fail(problem);
  return 0;
}
