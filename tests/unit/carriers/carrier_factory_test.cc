// A [[carriers]] section becomes the connector its `protocol` names, with its settings.
#include "carriers/carrier_factory.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace deliverer::carriers {
namespace {

class NoListener final : public CarrierListener {
 public:
  void OnReceipt(const std::string&, CarrierReceipt, Ack) override {}
  void OnInbound(const std::string&, CarrierInbound, Ack) override {}
  void OnLinkChange(const std::string&, int) override {}
};

config::CarrierConfig Section(std::string protocol) {
  config::CarrierConfig c;
  c.id = "c1";
  c.protocol = std::move(protocol);
  c.url = "https://carrier.example/send";
  c.binds = 3;
  c.tps = 250;
  return c;
}

class CarrierFactoryTest : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  NoListener listener_;
  FakeClock clock_;
};

TEST_F(CarrierFactoryTest, TheProtocolChoosesTheConnectorAndItKeepsTheSectionsSettings) {
  auto smpp = MakeCarrier(io_.get_executor(), Section("smpp"), listener_, clock_);
  ASSERT_TRUE(smpp.ok()) << smpp.error().detail;
  EXPECT_EQ((*smpp)->id(), "c1");
  EXPECT_EQ((*smpp)->State().protocol, "smpp");
  EXPECT_EQ((*smpp)->State().links, 3);
  EXPECT_EQ((*smpp)->State().tps_limit, 250);

  auto http = MakeCarrier(io_.get_executor(), Section("http"), listener_, clock_);
  ASSERT_TRUE(http.ok()) << http.error().detail;
  EXPECT_EQ((*http)->State().protocol, "http");
  EXPECT_EQ((*http)->State().tps_limit, 250);
}

TEST_F(CarrierFactoryTest, AnHttpCarrierWithABadUrlIsRefused) {
  config::CarrierConfig c = Section("http");
  c.url = "not a url";
  auto made = MakeCarrier(io_.get_executor(), c, listener_, clock_);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, "invalid_url");
}

TEST(CarrierIdMatchTest, TheConfigurationsSpellingsMapToTheReceiptRules) {
  const std::vector<std::pair<std::string, receipts::CarrierIdMatch>> cases = {
      {"exact", receipts::CarrierIdMatch::kAsIs},
      {"tolerant", receipts::CarrierIdMatch::kAuto},
      {"case_insensitive", receipts::CarrierIdMatch::kCaseInsensitive},
      {"decimal_to_hex", receipts::CarrierIdMatch::kDecimalToHex},
      {"hex_to_decimal", receipts::CarrierIdMatch::kHexToDecimal},
  };
  for (const auto& [setting, match] : cases) {
    config::CarrierConfig c;
    c.receipt_id_match = setting;
    EXPECT_EQ(IdMatchOf(c), match) << setting;
  }
}

}  // namespace
}  // namespace deliverer::carriers
