// [accounts.<account>]: what an account's requests get for the fields they leave out.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "unit/config/load_helpers.h"

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

TEST(ConfigAccountsTest, NoAccountTablesByDefault) { EXPECT_TRUE(Load("").accounts.empty()); }

TEST(ConfigAccountsTest, ReadsEachAccountsSmartEncoding) {
  const Config c = Load(R"([accounts.acme]
smart_encoding = true

[accounts."big bank"]
smart_encoding = false

[accounts.quiet]
)");
  ASSERT_EQ(c.accounts.size(), 3u);
  EXPECT_TRUE(c.accounts.at("acme").smart_encoding);
  EXPECT_FALSE(c.accounts.at("big bank").smart_encoding);
  EXPECT_FALSE(c.accounts.at("quiet").smart_encoding) << "a key left out keeps its default";
}

TEST(ConfigAccountsTest, RefusesUnknownKeysAndWrongTypes) {
  EXPECT_EQ(ErrorOf("[accounts.acme]\nsmart = true\n"),
            "deliverer.toml:2:1: unknown key 'smart' in [accounts.acme]");
  EXPECT_EQ(ErrorOf("[accounts.acme]\nsmart_encoding = \"yes\"\n"),
            "deliverer.toml:2:18: [accounts.acme] smart_encoding must be true or false");
}

TEST(ConfigAccountsTest, RefusesAnythingButTablesNamedAfterAccounts) {
  EXPECT_NE(ErrorOf("accounts = 1\n").find("must be a table"), std::string::npos);
  EXPECT_NE(ErrorOf("[[accounts]]\nname = \"acme\"\n").find("must be a table"), std::string::npos);
  EXPECT_NE(ErrorOf("[accounts]\nacme = true\n").find("[accounts] acme must be a table"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[accounts.\"\"]\nsmart_encoding = true\n").find("named after an account"),
            std::string::npos);
}

TEST(ConfigAccountsTest, DescribeShowsEachAccount) {
  const std::string text = Describe(Load("[accounts.acme]\nsmart_encoding = true\n"));
  EXPECT_NE(text.find("[accounts.\"acme\"]\nsmart_encoding = true\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace deliverer::config
