// Replays the request fuzzer's seed corpus (tests/fuzz/corpus/request_fuzz/) through both
// parsers, so that every `make test` exercises it without a fuzzing toolchain.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "validation_test_util.h"

namespace deliverer::validation {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(RequestCorpusTest, EverySeedParsesWithoutCrashing) {
  const std::filesystem::path dir = DELIVERER_REQUEST_CORPUS;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  auto validator = testing::MakeValidator({.disallowed_content = {"(?i)casino"}});
  int seeds = 0;
  int accepted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    SCOPED_TRACE(entry.path().filename().string());
    const std::string input = ReadFile(entry.path());
    Result<ValidatedMessage> single = validator->ParseMessage(input);
    auto batch = validator->ParseBatch(input);
    if (single.ok()) {
      EXPECT_FALSE(single->canonical_payload.empty());
    }
    if (single.ok() || batch.ok()) ++accepted;
    ++seeds;
  }
  EXPECT_GE(seeds, 10);
  EXPECT_GE(accepted, 3);  // the corpus holds valid requests too, not only garbage
}

}  // namespace
}  // namespace deliverer::validation
