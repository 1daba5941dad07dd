// libFuzzer target: receipt text parsing and carrier id keys (properties in receipt_check.h).
#include <cstdio>
#include <cstdlib>

#include "receipt_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string problem = deliverer::smpp::fuzz::CheckReceiptInput(std::span(data, size));
  if (!problem.empty()) {
    std::fprintf(stderr, "receipt_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
