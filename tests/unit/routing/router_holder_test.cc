#include "routing/router_holder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "unit/routing/test_config.h"

namespace deliverer::routing {
namespace {

using testing::ConfigFrom;
using testing::Ids;
using Strings = std::vector<std::string>;

constexpr std::string_view kBefore =
    "[[carriers]]\nid = \"a\"\n[[carriers]]\nid = \"b\"\n[[routes]]\ncarriers = [\"a\", \"b\"]\n";
constexpr std::string_view kAfter =
    "[[carriers]]\nid = \"a\"\n[[carriers]]\nid = \"b\"\n[[routes]]\ncarriers = [\"b\", \"a\"]\n";

std::shared_ptr<const Router> Build(std::string_view toml) {
  return std::make_shared<const Router>(std::move(Router::Create(ConfigFrom(toml))).value());
}

Strings FirstChoiceOf(const Router& router) {
  return Ids(router.Route(RouteRequest{"+33612345678", "FR", 1, 0, "m"}, AllHealthy()));
}

TEST(RouterHolderTest, SetSwapsAndOldUsersKeepTheirRouter) {
  RouterHolder holder(Build(kBefore));
  EXPECT_EQ(holder.generation(), 0u);
  const std::shared_ptr<const Router> in_use = holder.Get();
  holder.Set(Build(kAfter));
  EXPECT_EQ(holder.generation(), 1u);
  EXPECT_EQ(FirstChoiceOf(*holder.Get()), (Strings{"b", "a"}));
  EXPECT_EQ(FirstChoiceOf(*in_use), (Strings{"a", "b"}));  // a plan in progress is unaffected
}

TEST(RouterHolderTest, ReloadBuildsFromConfig) {
  RouterHolder holder(Build(kBefore));
  ASSERT_TRUE(holder.Reload(ConfigFrom(kAfter)).ok());
  EXPECT_EQ(FirstChoiceOf(*holder.Get()), (Strings{"b", "a"}));
  EXPECT_EQ(holder.generation(), 1u);
}

TEST(RouterHolderTest, FailedReloadKeepsTheCurrentRouter) {
  RouterHolder holder(Build(kBefore));
  config::Config bad = ConfigFrom(kAfter);
  bad.routes[0].carriers = {"gone"};
  const Status status = holder.Reload(bad);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "invalid_config");
  EXPECT_EQ(FirstChoiceOf(*holder.Get()), (Strings{"a", "b"}));
  EXPECT_EQ(holder.generation(), 0u);
}

TEST(RouterHolderTest, ConcurrentGetAndSet) {
  RouterHolder holder(Build(kBefore));
  const std::shared_ptr<const Router> before = Build(kBefore);
  const std::shared_ptr<const Router> after = Build(kAfter);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      const Strings ids = FirstChoiceOf(*holder.Get());
      ASSERT_TRUE(ids == (Strings{"a", "b"}) || ids == (Strings{"b", "a"}));
    }
  });
  for (int i = 0; i < 200; ++i) holder.Set(i % 2 == 0 ? after : before);
  stop = true;
  reader.join();
  EXPECT_EQ(holder.generation(), 200u);
}

}  // namespace
}  // namespace deliverer::routing
