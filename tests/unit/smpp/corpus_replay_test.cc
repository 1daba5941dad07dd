// Replays every file of the fuzz seed corpora through the fuzzers' property checks, so
// `make test` exercises them without clang (docs/reliability.md S7).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/pdu/pdu_check.h"
#include "fuzz/receipt/receipt_check.h"

namespace deliverer::smpp {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Runs `check` over every regular file of the corpus `name`; returns how many.
template <class Check>
size_t Replay(std::string_view name, Check check) {
  fs::path dir = fs::path(DELIVERER_FUZZ_CORPUS_DIR) / name;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::vector<uint8_t> data = ReadFile(entry.path());
    EXPECT_EQ(check(std::span<const uint8_t>(data)), "") << entry.path().filename();
  }
  return files;
}

TEST(FuzzCorpus, PduSeedsHoldTheFuzzerProperties) {
  EXPECT_GE(Replay("pdu_fuzz", fuzz::CheckPduInput), 40u);
}

TEST(FuzzCorpus, ReceiptSeedsHoldTheFuzzerProperties) {
  EXPECT_GE(Replay("receipt_fuzz", fuzz::CheckReceiptInput), 20u);
}

}  // namespace
}  // namespace deliverer::smpp
