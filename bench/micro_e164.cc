// E.164 validation alone, libphonenumber's PhoneNumberUtil (validation::ReferenceE164Region)
// beside the NumberingPlan compiled from its metadata, on the same numbers in the same run
// (docs/benchmarks.md "E.164 validation from libphonenumber's metadata").
#include <benchmark/benchmark.h>
#include <phonenumbers/phonenumberutil.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "validation/e164_reference.h"
#include "validation/numbering_plan.h"

namespace deliverer::bench {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using validation::NumberingPlan;
using validation::ReferenceE164Region;

// libphonenumber's example fixed-line and mobile number of every region, each followed by
// itself without its last digit: 978 numbers, 509 of them valid.
const std::vector<std::string>& EveryRegionNumbers() {
  static const std::vector<std::string> numbers = [] {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    std::set<std::string> regions;
    util.GetSupportedRegions(&regions);
    std::vector<std::string> out;
    for (const std::string& region : regions) {
      for (auto type : {PhoneNumberUtil::FIXED_LINE, PhoneNumberUtil::MOBILE}) {
        PhoneNumber number;
        if (!util.GetExampleNumberForType(region, type, &number)) continue;
        std::string e164;
        util.Format(number, PhoneNumberUtil::E164, &e164);
        out.push_back(e164);
        out.push_back(e164.substr(0, e164.size() - 1));
      }
    }
    return out;
  }();
  return numbers;
}

std::string PlanRegion(std::string_view number) {
  const auto& plan = NumberingPlan::Compiled();
  return plan.ok() ? std::string(plan->RegionOf(number)) : std::string("(no plan)");
}

// Both sides must agree on every input, or the figures would compare different work.
bool SameVerdicts(benchmark::State& state, const std::vector<std::string>& numbers) {
  for (const std::string& number : numbers) {
    if (PlanRegion(number) != ReferenceE164Region(number)) {
      state.SkipWithError(("verdicts differ for " + number).c_str());
      return false;
    }
  }
  return true;
}

template <class Verdict>
void RunOver(benchmark::State& state, const std::vector<std::string>& numbers, Verdict verdict) {
  if (!SameVerdicts(state, numbers)) return;
  size_t i = 0;
  for (auto _ : state) {
    auto region = verdict(numbers[i]);
    benchmark::DoNotOptimize(region);
    if (++i == numbers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_E164Reference(benchmark::State& state, std::string_view number) {
  RunOver(state, {std::string(number)}, ReferenceE164Region);
}

void BM_E164Plan(benchmark::State& state, std::string_view number) {
  const NumberingPlan& plan = *NumberingPlan::Compiled();
  RunOver(state, {std::string(number)}, [&plan](std::string_view n) { return plan.RegionOf(n); });
}

void BM_E164ReferenceEveryRegion(benchmark::State& state) {
  RunOver(state, EveryRegionNumbers(), ReferenceE164Region);
}

void BM_E164PlanEveryRegion(benchmark::State& state) {
  const NumberingPlan& plan = *NumberingPlan::Compiled();
  RunOver(state, EveryRegionNumbers(), [&plan](std::string_view n) { return plan.RegionOf(n); });
}

// The numbers of BM_E164Destination (micro_api.cc): examples for five regions and a NANP
// number with no such area code.
#define DELIVERER_E164_PAIR(name, number)            \
  BENCHMARK_CAPTURE(BM_E164Reference, name, number); \
  BENCHMARK_CAPTURE(BM_E164Plan, name, number)
DELIVERER_E164_PAIR(GB, "+447400123456");
DELIVERER_E164_PAIR(US, "+12015550123");
DELIVERER_E164_PAIR(FR, "+33612345678");
DELIVERER_E164_PAIR(DE, "+4915123456789");
DELIVERER_E164_PAIR(IN, "+918123456789");
DELIVERER_E164_PAIR(invalid_US, "+15551234567");
#undef DELIVERER_E164_PAIR
// The one-off cost, paid in Validator::Create: parsing the metadata and compiling its
// patterns.
void BM_E164PlanBuild(benchmark::State& state) {
  for (auto _ : state) {
    auto plan = NumberingPlan::FromMetadata(NumberingPlan::LinkedMetadata());
    if (!plan.ok()) state.SkipWithError(plan.error().detail.c_str());
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_E164ReferenceEveryRegion)->Name("BM_E164Reference/every_region_mixed");
BENCHMARK(BM_E164PlanEveryRegion)->Name("BM_E164Plan/every_region_mixed");
BENCHMARK(BM_E164PlanBuild)
    ->Name("BM_E164PlanBuild/linked_metadata")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace deliverer::bench
