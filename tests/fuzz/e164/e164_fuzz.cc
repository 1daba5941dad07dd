// libFuzzer target: any byte string, and short ones again behind a '+', through the
// NumberingPlan and through libphonenumber itself (validation::ReferenceE164Region). The
// two verdicts, a region or invalid, must be the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "validation/e164_reference.h"
#include "validation/numbering_plan.h"

namespace {

void Compare(std::string_view number) {
  const auto& plan = deliverer::validation::NumberingPlan::Compiled();
  if (!plan.ok()) std::abort();
  const std::string_view got = plan->RegionOf(number);
  const std::string expected = deliverer::validation::ReferenceE164Region(number);
  if (got == expected) return;
  std::fprintf(stderr, "E.164 verdicts differ for '%.*s': libphonenumber '%s', the plan '%.*s'\n",
               static_cast<int>(number.size()), number.data(), expected.c_str(),
               static_cast<int>(got.size()), got.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Compare(input);
  // Both refuse anything past 16 characters unread; below that, spare the fuzzer from
  // having to find the '+'.
  if (size < 16) Compare("+" + std::string(input));
  return 0;
}
