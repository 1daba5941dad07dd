// libFuzzer target: any byte string through the single-message and batch parsers.
// Neither may crash, leak or trip a sanitizer; an accepted message must be consistent.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "validation/request.h"

namespace {

const deliverer::validation::Validator& TheValidator() {
  static const auto* validator = [] {
    deliverer::validation::ValidatorOptions options;
    options.disallowed_content = {"(?i)casino", R"(bit\.ly/\w+)"};
    auto created = deliverer::validation::Validator::Create(options);
    if (!created.ok()) std::abort();
    return std::move(created).value().release();
  }();
  return *validator;
}

void CheckAccepted(const deliverer::validation::ValidatedMessage& m) {
  if (m.segments < 1 || m.segments > deliverer::model::kMaxSegments) std::abort();
  if (m.canonical_payload.empty() || m.from.empty() || m.to.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto& validator = TheValidator();
  auto single = validator.ParseMessage(input);
  if (single.ok()) CheckAccepted(*single);
  auto batch = validator.ParseBatch(input);
  if (batch.ok()) {
    for (const auto& item : *batch) {
      if (item.ok()) CheckAccepted(*item);
    }
  }
  return 0;
}
