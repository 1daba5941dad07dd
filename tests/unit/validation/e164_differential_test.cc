// NumberingPlan against PhoneNumberUtil, number by number, on the whole verdict (the region
// or invalid). make test compares 100,000 numbers; make bench sets
// DELIVERER_E164_DIFFERENTIAL_NUMBERS=1000000 and runs this test alone. Another corpus:
// DELIVERER_E164_DIFFERENTIAL_SEED.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "e164_corpus.h"
#include "validation/e164_reference.h"
#include "validation/numbering_plan.h"

namespace deliverer::validation {
namespace {

constexpr uint64_t kDefaultDifferentialSeed = 20240611;
constexpr size_t kDefaultDifferentialNumbers = 100'000;
constexpr int kMismatchesShown = 50;

// A positive integer from the environment, or `otherwise`.
uint64_t FromEnvironment(const char* name, uint64_t otherwise) {
  const char* configured = std::getenv(name);
  if (configured == nullptr || *configured == '\0') return otherwise;
  const uint64_t value = std::strtoull(configured, nullptr, 10);
  return value > 0 ? value : otherwise;
}

std::string Shown(std::string_view region) {
  return region.empty() ? "invalid" : "'" + std::string(region) + "'";
}

TEST(E164Differential, PlanGivesLibphonenumbersVerdictOnEveryNumber) {
  const Result<NumberingPlan>& plan = NumberingPlan::Compiled();
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  const size_t count =
      FromEnvironment("DELIVERER_E164_DIFFERENTIAL_NUMBERS", kDefaultDifferentialNumbers);
  const uint64_t seed =
      FromEnvironment("DELIVERER_E164_DIFFERENTIAL_SEED", kDefaultDifferentialSeed);
  E164Corpus corpus(seed);
  size_t valid = 0;
  size_t mismatches = 0;
  std::set<std::string> regions;
  for (size_t i = 0; i < count; ++i) {
    const std::string number = corpus.Next();
    const std::string expected = ReferenceE164Region(number);
    const std::string_view got = plan->RegionOf(number);
    if (got != expected) {
      if (++mismatches <= kMismatchesShown) {
        ADD_FAILURE() << "number '" << number << "' (#" << i << "): libphonenumber says "
                      << Shown(expected) << ", the plan says " << Shown(got);
      }
      continue;
    }
    if (!expected.empty()) {
      ++valid;
      regions.insert(expected);
    }
  }
  std::printf(
      "E.164 differential (seed %llu, %zu seeds): %zu numbers compared, %zu valid in %zu "
      "regions, %zu invalid, mismatches = %zu\n",
      static_cast<unsigned long long>(seed), corpus.seed_count(), count, valid, regions.size(),
      count - valid - mismatches, mismatches);
  EXPECT_EQ(mismatches, 0u);
  // The corpus must exercise both verdicts broadly, or agreeing would prove little.
  if (count >= kDefaultDifferentialNumbers) {
    EXPECT_GT(valid, count / 5);
    EXPECT_GT(count - valid, count / 5);
    EXPECT_GE(regions.size(), 240u);
  }
}

}  // namespace
}  // namespace deliverer::validation
