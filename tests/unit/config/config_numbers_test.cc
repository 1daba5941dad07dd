// [[numbers]]: our numbers and short codes assigned to accounts for inbound routing.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "config/config.h"
#include "unit/config/load_helpers.h"

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

bool Has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(ConfigNumbersTest, NoneByDefault) { EXPECT_TRUE(Load("").numbers.empty()); }

TEST(ConfigNumbersTest, ReadsNumbersAndShortCodes) {
  const Config c = Load(R"([[numbers]]
number = "+447700900123"
account = "acme"
inbound_url = "https://acme.example/inbound"

[[numbers]]
number = "60060"
account = "beta"
)");
  ASSERT_EQ(c.numbers.size(), 2u);
  EXPECT_EQ(c.numbers[0].number, "+447700900123");
  EXPECT_EQ(c.numbers[0].account, "acme");
  EXPECT_EQ(c.numbers[0].inbound_url, "https://acme.example/inbound");
  EXPECT_EQ(c.numbers[1].number, "60060");
  EXPECT_EQ(c.numbers[1].inbound_url, "") << "inbound_url is optional";
  EXPECT_TRUE(Has(Describe(c), "[[numbers]]\nnumber = \"60060\"\naccount = \"beta\"\n"));
}

TEST(ConfigNumbersTest, RefusesUnknownKeysAndMissingOnes) {
  EXPECT_TRUE(Has(ErrorOf("[[numbers]]\nnumber = \"60060\"\naccount = \"a\"\nurl = \"x\"\n"),
                  "unknown key 'url' in [[numbers]] #1"));
  EXPECT_TRUE(Has(ErrorOf("[[numbers]]\nnumber = \"60060\"\n"), "needs an account"));
  EXPECT_TRUE(Has(ErrorOf("[[numbers]]\naccount = \"a\"\n"), "needs a number"));
  EXPECT_TRUE(Has(ErrorOf("[[numbers]]\nnumber = \"60060\"\naccount = \"\"\n"), "account must be"));
  EXPECT_TRUE(Has(ErrorOf("numbers = 1\n"), "[[numbers]]"));
}

TEST(ConfigNumbersTest, RefusesWhatIsNeitherANumberNorAShortCode) {
  for (const char* bad : {"12", "123456789", "+0123", "+1234567890123456", "acme", "+", "", "+44 77"}) {
    const std::string text = fmt::format("[[numbers]]\nnumber = \"{}\"\naccount = \"a\"\n", bad);
    EXPECT_TRUE(Has(ErrorOf(text), "[[numbers]] #1 number must be")) << bad;
  }
}

TEST(ConfigNumbersTest, RefusesANumberTwiceWithOrWithoutThePlus) {
  const std::string error = ErrorOf(R"([[numbers]]
number = "+60060"
account = "a"

[[numbers]]
number = "60060"
account = "b"
)");
  EXPECT_TRUE(Has(error, "[[numbers]] #2 repeats number \"60060\" of [[numbers]] #1")) << error;
  EXPECT_TRUE(Has(ErrorOf("[[numbers]]\nnumber = \"60060\"\naccount = \"a\"\n\n"
                          "[[numbers]]\nnumber = \"60060\"\naccount = \"a\"\n"),
                  "repeats number"));
}

TEST(ConfigNumbersTest, InboundUrlIsCheckedLikeACallbackUrl) {
  const std::string base = "[[numbers]]\nnumber = \"60060\"\naccount = \"a\"\n";
  EXPECT_TRUE(Has(ErrorOf(base + "inbound_url = \"ftp://x.example/\"\n"), "inbound_url must be"));
  EXPECT_TRUE(Has(ErrorOf(base + "inbound_url = \"http://127.0.0.1:9/in\"\n"), "inbound_url must be"))
      << "a private address is refused by default (SSRF)";
  const Config c = Load("[security]\nallow_private_callbacks = true\n\n" + base +
                        "inbound_url = \"http://127.0.0.1:9/in\"\n");
  ASSERT_EQ(c.numbers.size(), 1u);
  EXPECT_EQ(c.numbers[0].inbound_url, "http://127.0.0.1:9/in");
}

TEST(ConfigNumbersTest, FindNumberMatchesWithAndWithoutThePlus) {
  const Config c = Load(R"([[numbers]]
number = "+447700900123"
account = "acme"

[[numbers]]
number = "60060"
account = "beta"
)");
  ASSERT_NE(FindNumber(c.numbers, "447700900123"), nullptr);
  EXPECT_EQ(FindNumber(c.numbers, "447700900123")->account, "acme");
  EXPECT_EQ(FindNumber(c.numbers, "+447700900123")->account, "acme");
  EXPECT_EQ(FindNumber(c.numbers, "+60060")->account, "beta");
  EXPECT_EQ(FindNumber(c.numbers, "60060")->account, "beta");
  EXPECT_EQ(FindNumber(c.numbers, "447700900124"), nullptr);
  EXPECT_EQ(FindNumber(c.numbers, ""), nullptr);
  EXPECT_EQ(FindNumber(c.numbers, "+"), nullptr);
}

}  // namespace
}  // namespace deliverer::config
