#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace deliverer {
namespace {

// The 48-bit millisecond at the front of a UUIDv7, read back from its text.
int64_t MillisOf(const std::string& id) {
  std::string hex = id.substr(0, 8) + id.substr(9, 4);
  return std::stoll(hex, nullptr, 16);
}

TEST(UuidV7Test, CarriesItsMillisecondVersionAndVariant) {
  const int64_t ms = 1'790'000'000'123;
  const std::string id = NewUuidV7(ms);
  EXPECT_TRUE(IsUuid(id));
  EXPECT_EQ(MillisOf(id), ms);
  EXPECT_EQ(id[14], '7') << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
}

TEST(UuidV7Test, IdsMadeInOneMillisecondSortInTheOrderTheyWereMade) {
  const int64_t ms = 1'790'000'001'000;
  std::vector<std::string> ids;
  for (int i = 0; i < 2048; ++i) ids.push_back(NewUuidV7(ms));
  for (size_t i = 1; i < ids.size(); ++i) {
    ASSERT_LT(ids[i - 1], ids[i]) << "id " << i;
    ASSERT_EQ(MillisOf(ids[i]), ms);
  }
  EXPECT_LT(ids.back(), NewUuidV7(ms + 1));
}

TEST(UuidV7Test, AnOlderMillisecondKeepsItsOwnTimestampAndStaysUnique) {
  const int64_t newest = 1'790'000'002'000;
  const std::string recent = NewUuidV7(newest);
  std::set<std::string> old_ids;
  for (int i = 0; i < 5000; ++i) {
    const std::string id = NewUuidV7(newest - 60'000);
    EXPECT_EQ(MillisOf(id), newest - 60'000);
    old_ids.insert(id);
  }
  EXPECT_EQ(old_ids.size(), 5000u);
  EXPECT_LT(recent, NewUuidV7(newest)) << "the newest millisecond's count goes on";
}

TEST(UuidV7Test, ASpentMillisecondStillGivesUniqueIds) {
  const int64_t ms = 1'790'000'003'000;
  std::set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) ids.insert(NewUuidV7(ms));
  EXPECT_EQ(ids.size(), 10'000u);
}

}  // namespace
}  // namespace deliverer
