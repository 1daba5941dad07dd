#include "carriers/smpp/bind_choice.h"

#include <gtest/gtest.h>

#include <vector>

namespace deliverer::carriers::smpp {
namespace {

using Loads = std::vector<std::optional<size_t>>;

TEST(BindChoiceTest, TheLeastLoadedBindTakesTheMessage) {
  EXPECT_EQ(LeastLoadedBind(Loads{128, 73}, 0), 1u);
  EXPECT_EQ(LeastLoadedBind(Loads{5, 9, 2, 7}, 3), 2u);
}

TEST(BindChoiceTest, TiesRotateFromStart) {
  EXPECT_EQ(LeastLoadedBind(Loads{4, 4, 4}, 0), 0u);
  EXPECT_EQ(LeastLoadedBind(Loads{4, 4, 4}, 1), 1u);
  EXPECT_EQ(LeastLoadedBind(Loads{4, 4, 4}, 2), 2u);
  EXPECT_EQ(LeastLoadedBind(Loads{3, 4, 3}, 1), 2u);
}

TEST(BindChoiceTest, ABindThatCannotSubmitIsPassedOver) {
  EXPECT_EQ(LeastLoadedBind(Loads{std::nullopt, 100}, 0), 1u);
  EXPECT_EQ(LeastLoadedBind(Loads{std::nullopt, std::nullopt}, 0), std::nullopt);
  EXPECT_EQ(LeastLoadedBind(Loads{}, 0), std::nullopt);
}

// Dealing a repeating pattern of one 3-segment and one 1-segment message to two binds
// loads them evenly, where alternating would give one bind every multipart message.
TEST(BindChoiceTest, SegmentsSpreadEvenlyOverTheBinds) {
  Loads loads{0, 0};
  for (int i = 0; i < 100; ++i) {
    const size_t segments = i % 2 == 0 ? 3 : 1;
    const auto bind = LeastLoadedBind(loads, static_cast<size_t>(i) % 2);
    ASSERT_TRUE(bind);
    *loads[*bind] += segments;
  }
  EXPECT_LE(*loads[0] > *loads[1] ? *loads[0] - *loads[1] : *loads[1] - *loads[0], 3u);
}

}  // namespace
}  // namespace deliverer::carriers::smpp
