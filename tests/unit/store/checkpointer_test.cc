// The store's write-ahead log is moved into the database file by the checkpointer's
// thread while the store is open; commits never do it themselves (wal_autocheckpoint is
// off on the writer), so without that thread the database file would not grow until close.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

class CheckpointerTest : public testing::StoreFixture {};

TEST_F(CheckpointerTest, MovesTheLogIntoTheDatabaseWhileOpen) {
  const auto db = dir_ / "deliverer.db";
  const auto before = std::filesystem::file_size(db);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(Insert(Message("m-" + std::to_string(i), "+447911123456", std::string(300, 'x'))).ok());
  }
  // Polled: the checkpointer runs every 100 ms.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::filesystem::file_size(db) <= before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(std::filesystem::file_size(db), before);
}

}  // namespace
}  // namespace deliverer::store::sqlite
