#pragma once
// Observes heap allocation in the smpp test binary: alloc_probe.cc replaces the global
// operator new and records the largest single request. Used to prove that a length read
// off the wire is never allocated before it is checked.
#include <cstddef>

namespace deliverer::smpp::testing {

// Largest single operator new request since the last ResetLargestAllocation().
void ResetLargestAllocation();
size_t LargestAllocation();

}  // namespace deliverer::smpp::testing
