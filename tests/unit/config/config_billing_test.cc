// [billing] (docs/configuration.md): the currency of prices, estimates and costs.
#include <gtest/gtest.h>

#include "config/config.h"
#include "unit/config/load_helpers.h"

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

TEST(ConfigBillingTest, CurrencyIsEuroByDefault) {
  EXPECT_EQ(Load("").billing.currency, "EUR");
  EXPECT_EQ(Load("[billing]\n").billing.currency, "EUR");
}

TEST(ConfigBillingTest, CurrencyIsRead) {
  EXPECT_EQ(Load("[billing]\ncurrency = \"USD\"\n").billing.currency, "USD");
  EXPECT_NE(
      Describe(Load("[billing]\ncurrency = \"GBP\"\n")).find("[billing]\ncurrency = \"GBP\"\n"),
      std::string::npos);
}

TEST(ConfigBillingTest, CurrencyMustBeThreeUpperCaseLetters) {
  for (const char* bad : {"\"eur\"", "\"EURO\"", "\"E1\"", "\"\"", "978"}) {
    EXPECT_EQ(ErrorOf(std::string("[billing]\ncurrency = ") + bad + "\n"),
              "deliverer.toml:2:12: [billing] currency must be three upper-case letters, "
              "an ISO 4217 code such as \"EUR\"")
        << bad;
  }
}

TEST(ConfigBillingTest, UnknownKeysAreRejected) {
  EXPECT_EQ(ErrorOf("[billing]\ncurrency = \"EUR\"\nvat = 0.2\n"),
            "deliverer.toml:3:1: unknown key 'vat' in [billing]");
}

}  // namespace
}  // namespace deliverer::config
