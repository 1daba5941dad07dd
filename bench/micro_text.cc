// Text encoding on the delivery side: a body split into per-segment payloads (with their
// UDH) ready for submit_sm, and the allocation-free segment count the API runs at ingest.
#include <benchmark/benchmark.h>

#include <string_view>

#include "micro_inputs.h"
#include "text/text.h"

namespace deliverer::bench {
namespace {

void BM_TextEncode(benchmark::State& state, std::string_view body, model::Encoding encoding,
                   size_t segments) {
  auto check = text::Encode(body, /*reference=*/0x2A);
  if (!check.ok() || check->encoding != encoding || check->segments.size() != segments) {
    state.SkipWithError("unexpected encoding or segment count");
    return;
  }
  for (auto _ : state) {
    auto encoded = text::Encode(body, /*reference=*/0x2A);
    benchmark::DoNotOptimize(encoded);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK_CAPTURE(BM_TextEncode, gsm7_single, kGsm7Single, model::Encoding::kGsm7, 1);
BENCHMARK_CAPTURE(BM_TextEncode, gsm7_3part, kGsm7ThreePart, model::Encoding::kGsm7, 3);
BENCHMARK_CAPTURE(BM_TextEncode, ucs2_single, kUcs2Single, model::Encoding::kUcs2, 1);
BENCHMARK_CAPTURE(BM_TextEncode, ucs2_3part, kUcs2ThreePart, model::Encoding::kUcs2, 3);

void BM_TextCountSegments(benchmark::State& state, std::string_view body, int segments) {
  auto check = text::CountSegments(body);
  if (!check.ok() || check->segments != segments) {
    state.SkipWithError("unexpected segment count");
    return;
  }
  for (auto _ : state) {
    auto count = text::CountSegments(body);
    benchmark::DoNotOptimize(count);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK_CAPTURE(BM_TextCountSegments, gsm7_3part, kGsm7ThreePart, 3);
BENCHMARK_CAPTURE(BM_TextCountSegments, ucs2_3part, kUcs2ThreePart, 3);

}  // namespace
}  // namespace deliverer::bench
