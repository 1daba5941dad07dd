// libFuzzer target: raw bytes from a webhook receiver or an HTTP carrier, as our client
// reads them: httpc::ReadResponse over an in-memory Beast stream, as a kept-alive
// connection reads one answer after another (up to kExchanges), then, for every complete
// answer, the HTTP carrier's classifier under a few field configurations. Nothing may
// crash, leak, hang or trip a sanitizer, and:
//   1. a complete answer has a final status (200 … 599, or 101) and a body within the
//      limit; an incomplete one says why;
//   2. Classify accepts exactly the 2xx answers, with one segment whose key is the id
//      found at id_field (normalised) or "no-id:<message id>"; any other answer is
//      permanent exactly when its status is listed, with the status as carrier code.
// The stream hands the reader the bytes in pieces (fuzz/support/read_size.h).
//
// A finding in src/ not fixed yet fails this target as it should, with its reproducer in
// tests/fuzz/regressions/http_client_fuzz/ (tests/fuzz/regressions/README.md).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "carriers/http/http_protocol.h"
#include "fuzz/support/read_size.h"
#include "httpc/response.h"
#include "receipts/carrier_id.h"

namespace {

namespace asio = boost::asio;
namespace carriers = deliverer::carriers;
namespace config = deliverer::config;
using deliverer::receipts::CarrierIdMatch;
using TestStream = boost::beast::test::stream;

constexpr size_t kBodyLimit = 64 * 1024;  // httpc::ConnectionOptions' default
constexpr int kExchanges = 4;
constexpr std::string_view kMessageId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

[[noreturn]] void Fail(const std::string& problem) {
  std::fprintf(stderr, "http_client_fuzz: %s\n", problem.c_str());
  std::abort();
}

struct Shape {
  const char* id_field;
  const char* error_field;
  CarrierIdMatch match;
};
// The default configuration, paths into arrays and objects, a field at the top, and the
// empty path (the whole answer, when it is a bare string or number).
constexpr std::array<Shape, 5> kShapes = {{
    {"message_id", "error", CarrierIdMatch::kAsIs},
    {"data.0.id", "errors.0.code", CarrierIdMatch::kAuto},
    {"id", "", CarrierIdMatch::kDecimalToHex},
    {"result.message.id", "result.status", CarrierIdMatch::kHexToDecimal},
    {"", "error", CarrierIdMatch::kCaseInsensitive},
}};

config::HttpCarrierConfig ConfigOf(const Shape& shape) {
  config::HttpCarrierConfig api;
  api.id_field = shape.id_field;
  api.error_field = shape.error_field;
  return api;
}

std::string CheckClassified(const Shape& shape, int status, std::string_view body) {
  const config::HttpCarrierConfig api = ConfigOf(shape);
  const carriers::SubmitReport r = carriers::http::Classify(api, shape.match, status, body, kMessageId);
  using Kind = carriers::SubmitReport::Kind;
  if (status >= 200 && status < 300) {
    if (r.kind != Kind::kAccepted || r.accepted.size() != 1) return "a 2xx answer not accepted";
    const carriers::AcceptedSegment& s = r.accepted[0];
    if (s.index != carriers::AcceptedSegment::kWholeMessage) return "a segment index on an HTTP answer";
    const auto id = carriers::http::JsonValueAt(body, api.id_field);
    if (s.carrier_id.empty()) {
      return s.match_key == "no-id:" + std::string(kMessageId) ? "" : "an answer without id keyed as " + s.match_key;
    }
    if (!id || *id != s.carrier_id) return "the id accepted is not the one at id_field";
    const auto key = deliverer::receipts::NormalizeCarrierId(*id, deliverer::receipts::SubmitRespIdForm(shape.match));
    return key == s.match_key ? "" : "the match key is not the normalised id";
  }
  const bool listed = std::find(api.permanent_statuses.begin(), api.permanent_statuses.end(), status) !=
                      api.permanent_statuses.end();
  if (r.kind != (listed ? Kind::kPermanent : Kind::kTransient)) return "a non-2xx answer misclassified";
  if (!r.accepted.empty()) return "a non-2xx answer with accepted segments";
  const std::string code = std::to_string(status);
  if (r.carrier_code.compare(0, code.size(), code) != 0) return "carrier code " + r.carrier_code;
  return "";
}

// This target's first finding: any three digits were taken for a status (corpus files
// regression_status_*).
std::string CheckStatus(const deliverer::httpc::ResponseRead& read) {
  if (read.status == 0) return read.error.empty() ? "no answer and no reason" : "";
  // RFC 9110 §15: every valid status code is within 100 … 599.
  if (read.status > 599 || (read.status < 200 && read.status != 101)) {
    return "status " + std::to_string(read.status) + " returned as final";
  }
  return "";
}

std::string CheckRead(const deliverer::httpc::ResponseRead& read) {
  if (std::string problem = CheckStatus(read); !problem.empty() || read.status == 0) return problem;
  if (read.body.size() > kBodyLimit) return "a body over the limit";
  for (const Shape& shape : kShapes) {
    if (std::string problem = CheckClassified(shape, read.status, read.body); !problem.empty()) return problem;
  }
  return "";
}

asio::awaitable<void> ReadAnswers(TestStream& stream) {
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < kExchanges; ++i) {
    const deliverer::httpc::ResponseRead read =
        co_await deliverer::httpc::ReadResponse(stream, buffer, kBodyLimit);
    if (std::string problem = CheckRead(read); !problem.empty()) Fail(problem);
    if (read.status == 0 || !read.keep_alive) co_return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  asio::io_context io;
  TestStream client(io);
  TestStream server(io);
  client.connect(server);
  client.read_size(deliverer::fuzz::ReadSizeFor(size));
  asio::write(server, asio::buffer(data, size));
  server.close();
  bool finished = false;
  asio::co_spawn(io, ReadAnswers(client), [&finished](std::exception_ptr error) {
    if (error) Fail("the reader threw");
    finished = true;
  });
  io.run();
  if (!finished) Fail("the reader did not finish");
  return 0;
}
