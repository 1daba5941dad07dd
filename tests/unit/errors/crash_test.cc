// Fatal signals leave a record for the next start (errors/crash.h), written by a handler
// that may only make async-signal-safe calls.
#include "errors/crash.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/thread_name.h"
#include "support/test_dir.h"

namespace deliverer::errors {
namespace {

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::FreshTestDir("crash").string(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  std::string dir_;
};

// In a child process (the death test's fork): the handler is installed there, the signal
// comes, the child dies of it as without a handler, and the record is left behind.
void CrashWith(const std::string& dir, int signal) {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  NameThisThread("delivery");
  InstallCrashHandler(dir, "deliverer@9.8.7", 1'764'000'000'000);
  raise(signal);
}

TEST_F(CrashTest, ASignalLeavesARecordAndStillEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "fast");  // the child writes into this test's folder
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  for (int signal : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) {
    EXPECT_EXIT(CrashWith(dir_, signal), ::testing::KilledBySignal(signal), "") << signal;
    const std::vector<std::string> records = ListCrashRecords(dir_);
    ASSERT_EQ(records.size(), 1u) << signal;
    EXPECT_TRUE(std::filesystem::path(records[0]).filename().string().starts_with("crash-1764000000000-"));
    const std::optional<CrashRecord> record = ParseCrashRecord(Read(records[0]));
    ASSERT_TRUE(record) << Read(records[0]);
    EXPECT_EQ(record->signal, signal);
    EXPECT_EQ(record->thread, "delivery");
    EXPECT_EQ(record->release, "deliverer@9.8.7");
    EXPECT_GE(record->unix_millis, before_ms);
    EXPECT_EQ(std::filesystem::status(records[0]).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
    std::filesystem::remove(records[0]);
  }
}

TEST_F(CrashTest, ARecordIsReadBack) {
  auto record = ParseCrashRecord(
      "deliverer crash record\nsignal=11\nunix_ms=1764000000123\nthread=writer\nrelease=deliverer@0.1.0\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->signal, 11);
  EXPECT_EQ(record->unix_millis, 1'764'000'000'123);
  EXPECT_EQ(record->thread, "writer");
  EXPECT_EQ(record->release, "deliverer@0.1.0");
}

TEST_F(CrashTest, ARecordCutShortOrForeignIsNone) {
  EXPECT_FALSE(ParseCrashRecord(""));
  EXPECT_FALSE(ParseCrashRecord("deliverer crash record\nsignal=11\nunix_ms=17640"));  // no final newline
  EXPECT_FALSE(ParseCrashRecord("deliverer crash record\nsignal=11\n"));              // no time
  EXPECT_FALSE(ParseCrashRecord("deliverer crash record\nsignal=x\nunix_ms=1\n"));
  EXPECT_FALSE(ParseCrashRecord("core dump\nsignal=11\nunix_ms=1\n"));
}

// A thread name is the record's only free text: anything but an identifier is left out.
TEST_F(CrashTest, AThreadNameThatIsNoIdentifierIsLeftOut) {
  auto record = ParseCrashRecord("deliverer crash record\nsignal=6\nunix_ms=5\nthread=a b+44\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->thread, "");
}

TEST_F(CrashTest, OnlyRecordsAreListedOldestFirst) {
  std::ofstream(dir_ + "/crash-1764000000002-7.record") << "x";
  std::ofstream(dir_ + "/crash-1764000000001-9.record") << "x";
  std::ofstream(dir_ + "/deliverer.db") << "x";
  EXPECT_EQ(ListCrashRecords(dir_), (std::vector<std::string>{dir_ + "/crash-1764000000001-9.record",
                                                              dir_ + "/crash-1764000000002-7.record"}));
  EXPECT_TRUE(ListCrashRecords(dir_ + "/missing").empty());
}

}  // namespace
}  // namespace deliverer::errors
