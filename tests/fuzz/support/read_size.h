#pragma once
// How the HTTP fuzz targets' in-memory stream hands an input to the reader under test: in
// pieces whose size follows from the input's length, so that reads end inside request
// lines, headers, chunk-size lines and bodies without the input needing a format of its
// own. Long inputs are read in at most about kMaxReads pieces, which keeps them fast.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace deliverer::fuzz {

inline size_t ReadSizeFor(size_t input_size) {
  constexpr std::array<size_t, 5> kSizes = {SIZE_MAX, 1, 13, 256, 1460};
  constexpr size_t kMaxReads = 128;
  return std::max(kSizes[input_size % kSizes.size()], input_size / kMaxReads);
}

}  // namespace deliverer::fuzz
