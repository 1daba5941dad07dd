#include "dashboard/assets.h"

#include <gtest/gtest.h>

namespace deliverer::dashboard {
namespace {

TEST(AssetsTest, RootIsThePageAndFilesLiveUnderDashboard) {
  const Asset* page = FindAsset("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->name, "index.html");
  EXPECT_NE(page->bytes.find("<!doctype html>"), std::string_view::npos);
  ASSERT_NE(FindAsset("/dashboard/vendor/chart.min.js"), nullptr);
  EXPECT_EQ(ContentType("dashboard.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(FindAsset("/index.html"), nullptr);
  EXPECT_EQ(FindAsset("/dashboard/"), nullptr);
  EXPECT_EQ(FindAsset("/dashboard/../index.html"), nullptr);
}

}  // namespace
}  // namespace deliverer::dashboard
