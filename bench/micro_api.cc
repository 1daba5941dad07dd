// The ingest path before the store: POST /v1/messages bodies through Validator (parse,
// field rules, E.164 destination, sender, callback URL, encoding and segment count,
// canonical payload), E.164 validation alone, and a carrier's HTTP delivery receipt.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <string_view>

#include "carriers/http/callbacks.h"
#include "micro_inputs.h"
#include "validation/request.h"

namespace deliverer::bench {
namespace {

using validation::Validator;

// Built once: a Validator is immutable and thread-safe. No content rules, as in the
// default configuration.
const Validator& IngestValidator() {
  static const std::unique_ptr<Validator> validator = [] {
    auto created = Validator::Create(validation::ValidatorOptions{});
    return created.ok() ? std::move(*created) : nullptr;
  }();
  return *validator;
}

// A POST /v1/messages body as the wrk and load-generator scenarios send it.
std::string MessageJson(std::string_view to, std::string_view body) {
  return R"({"from":"Deliverer","to":")" + std::string(to) + R"(","body":")" + std::string(body) +
         R"(","callback_url":"https://hooks.example.com/sms/status","client_ref":"order-88412"})";
}

void BM_IngestParseMessage(benchmark::State& state, std::string_view to, std::string_view body,
                           model::Encoding encoding, int segments) {
  const Validator& validator = IngestValidator();
  const std::string json = MessageJson(to, body);
  auto check = validator.ParseMessage(json);
  if (!check.ok() || check->encoding != encoding || check->segments != segments) {
    state.SkipWithError(check.ok() ? "unexpected encoding or segment count" : check.error().detail.c_str());
    return;
  }
  for (auto _ : state) {
    auto parsed = validator.ParseMessage(json);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(json.size()));
}
BENCHMARK_CAPTURE(BM_IngestParseMessage, gsm7_single, "+447400123456", kGsm7Single,
                  model::Encoding::kGsm7, 1);
BENCHMARK_CAPTURE(BM_IngestParseMessage, ucs2_single, "+918123456789", kUcs2Single,
                  model::Encoding::kUcs2, 1);
BENCHMARK_CAPTURE(BM_IngestParseMessage, gsm7_3part, "+447400123456", kGsm7ThreePart,
                  model::Encoding::kGsm7, 3);

// POST /v1/messages/batch with 100 single-segment GSM-7 messages to 100 numbers.
std::string BatchJson(int count) {
  std::string json = R"({"messages":[)";
  for (int i = 0; i < count; ++i) {
    if (i > 0) json += ',';
    const std::string suffix = std::to_string(100 + i).substr(1);
    json += MessageJson("+4474001234" + suffix, kGsm7Single);
  }
  return json + "]}";
}

void BM_IngestParseBatch(benchmark::State& state) {
  constexpr int kItems = 100;
  const Validator& validator = IngestValidator();
  const std::string json = BatchJson(kItems);
  auto check = validator.ParseBatch(json);
  if (!check.ok() || check->size() != kItems) {
    state.SkipWithError("the batch does not parse");
    return;
  }
  for (const auto& item : *check) {
    if (!item.ok()) {
      state.SkipWithError(item.error().detail.c_str());
      return;
    }
  }
  for (auto _ : state) {
    auto parsed = validator.ParseBatch(json);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations() * kItems);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(json.size()));
}
BENCHMARK(BM_IngestParseBatch)->Name("BM_IngestParseBatch/100_gsm7_single");

void BM_E164Destination(benchmark::State& state, std::string_view number, bool valid) {
  const Validator& validator = IngestValidator();
  if (validator.ValidateDestination(number).ok() != valid) {
    state.SkipWithError(valid ? "the number is not valid" : "the number is valid");
    return;
  }
  for (auto _ : state) {
    auto region = validator.ValidateDestination(number);
    benchmark::DoNotOptimize(region);
  }
  state.SetItemsProcessed(state.iterations());
}
// libphonenumber's own example mobile numbers for each region.
BENCHMARK_CAPTURE(BM_E164Destination, GB, "+447400123456", true);
BENCHMARK_CAPTURE(BM_E164Destination, US, "+12015550123", true);
BENCHMARK_CAPTURE(BM_E164Destination, FR, "+33612345678", true);
BENCHMARK_CAPTURE(BM_E164Destination, DE, "+4915123456789", true);
BENCHMARK_CAPTURE(BM_E164Destination, IN, "+918123456789", true);
// Well-formed, but NANP has no area code 555: rejected after the region lookup.
BENCHMARK_CAPTURE(BM_E164Destination, invalid_US, "+15551234567", false);

// POST /v1/dlr/{carrier} with a JSON body, as the HTTP carriers' callback sink reads it
// after the API authenticated it.
void BM_HttpDlrParse(benchmark::State& state) {
  constexpr std::string_view kContentType = "application/json";
  const std::string body =
      R"({"carrier_message_id":"0A1B2C3D4E","status":"DELIVRD","error_code":"000",)"
      R"("done_at":"2026-11-26T10:15:00Z"})";
  if (!carriers::http::ParseCallbackReceipt(kContentType, body).ok()) {
    state.SkipWithError("the receipt does not parse");
    return;
  }
  for (auto _ : state) {
    auto receipt = carriers::http::ParseCallbackReceipt(kContentType, body);
    benchmark::DoNotOptimize(receipt);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_HttpDlrParse)->Name("BM_HttpDlrParse/json");

}  // namespace
}  // namespace deliverer::bench
