// Google Benchmark micro-benchmarks of the hot pure functions (docs/benchmarks.md,
// "Micro-benchmarks"); scripts/bench-micro runs them. This file holds the same-run
// reference and the webhook rows; micro_api.cc, micro_text.cc and micro_smpp.cc the rest.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "auth/signature.h"
#include "micro_inputs.h"
#include "webhooks/payload.h"

namespace deliverer::bench {
namespace {

// The reference row: a heap-allocated copy of a 160-byte body, about the least any
// function here does. Its figure drifts with the machine's load like the others do, so
// comparing a row with it across runs is fairer than comparing absolute numbers.
void BM_Reference(benchmark::State& state) {
  const std::string source(160, 'x');
  const std::string_view view = source;
  for (auto _ : state) {
    std::string copy(view);
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(view.size()));
}
BENCHMARK(BM_Reference)->Name("BM_Reference/string_copy_160B");

store::WebhookJob DeliveredJob() {
  store::WebhookJob job;
  job.event_id = "evt_01JDQ6Z8K3V5W7X9Y1Z3A5B7C9";
  job.message_id = "5b0e8f6a-3c2d-4e1f-9a8b-7c6d5e4f3a2b";
  job.account = "acme";
  job.url = "https://hooks.example.com/sms/status";
  job.status = model::Status::kDelivered;
  job.previous_status = model::Status::kSent;
  job.at_ms = 1'764'152'100'123;
  job.carrier = "carrier-a";
  job.segments = 1;
  job.client_ref = "order-88412";
  job.created_at_ms = 1'764'152'099'456;
  return job;
}

void BM_WebhookPayload(benchmark::State& state) {
  const store::WebhookJob job = DeliveredJob();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string payload = webhooks::PayloadJson(job);
    bytes = payload.size();
    benchmark::DoNotOptimize(payload.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_WebhookPayload)->Name("BM_WebhookPayload/delivered");

void BM_WebhookSignature(benchmark::State& state) {
  const std::string payload = webhooks::PayloadJson(DeliveredJob());
  const std::string secret = "whsec_5f2b9c7e1a4d8f3b6e0c2a9d7f1b4e8c";
  for (auto _ : state) {
    std::string header = auth::SignatureHeader(secret, 1'764'152'100, payload);
    benchmark::DoNotOptimize(header.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}
BENCHMARK(BM_WebhookSignature)->Name("BM_WebhookSignature/hmac_sha256");

}  // namespace
}  // namespace deliverer::bench
