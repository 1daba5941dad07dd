// libFuzzer target: the SMPP decoder on arbitrary bytes (properties in pdu_check.h).
#include <cstdio>
#include <cstdlib>

#include "pdu_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string problem = deliverer::smpp::fuzz::CheckPduInput(std::span(data, size));
  if (!problem.empty()) {
    std::fprintf(stderr, "pdu_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
