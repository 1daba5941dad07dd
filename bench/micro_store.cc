// The embedded store's write side, durable: what one group-commit writer sustains for the
// messages producers POST (each insert with its `queued` event and audit entry, sealed
// body, keyed idempotency hash), in batches of the size 64 waiting connections make.
// Not pure: it writes and fsyncs a database in a temporary folder, so it shows what the
// disk and SQLite allow, beside the other rows' CPU-only figures.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "common/clock.h"
#include "common/ids.h"
#include "micro_inputs.h"
#include "store/sqlite/sqlite_store.h"

namespace deliverer::bench {
namespace {

void BM_StoreInsertDurable(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / ("deliverer-micro-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  SystemClock clock;
  {
    auto opened = store::sqlite::SqliteStore::Open(store::sqlite::SqliteOptions{dir.string()}, clock);
    if (!opened.ok()) {
      state.SkipWithError(opened.error().detail.c_str());
      return;
    }
    auto& store = **opened;
    const auto batch = static_cast<size_t>(state.range(0));
    uint64_t n = 0;
    for (auto _ : state) {
      // One job per message, as the API submits them, all in flight together.
      std::vector<std::future<void>> done;
      done.reserve(batch);
      for (size_t i = 0; i < batch; ++i) {
        store::NewMessage m;
        m.id = NewUuidV7(clock.NowUnixMillis());
        m.account = "acme";
        m.key_id = "dk_live_bench";
        m.source_ip = "127.0.0.1";
        m.from = "Deliverer";
        m.to = "+4420718" + std::to_string(10000 + (n++ * 7919) % 90000);
        m.to_region = "GB";
        m.body = std::string(kGsm7Single);
        m.payload_hash = m.id;
        m.created_at_ms = clock.NowUnixMillis();
        auto promise = std::make_shared<std::promise<void>>();
        done.push_back(promise->get_future());
        store.InsertMessages({std::move(m)}, [promise](auto) { promise->set_value(); });
      }
      for (auto& f : done) f.wait();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoreInsertDurable)->Name("BM_StoreInsertDurable/batch")->Arg(64)->UseRealTime();

}  // namespace
}  // namespace deliverer::bench
