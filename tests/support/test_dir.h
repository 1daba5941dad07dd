#pragma once
// A folder of its own for the running unit test: <tmp>/deliverer-<prefix>-<pid>-<test>,
// emptied and created. The test removes it in TearDown.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace deliverer::test_support {

inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("deliverer-" + std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace deliverer::test_support
