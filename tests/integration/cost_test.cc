// Cost estimates and final costs (docs/api.md "Cost"), end to end: the 202's estimate from
// the carrier routing picks, the same estimate on reads, and the cost once delivered.
#include <gtest/gtest.h>

#include <string>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

Json PriceOf(int segments, const std::string& price, const std::string& currency) {
  return Json{{"segments", segments}, {"price", price}, {"currency", currency}};
}

TEST(CostTest, TheEstimateAtAcceptanceIsTheCostOnceDelivered) {
  SimProcess sim;
  DelivererProcess server(std::string(kFastDelivery) + "\n[billing]\ncurrency = \"USD\"\n",
                          OneCarrier(sim.SmppPort(), "price_per_segment = 0.005"));
  const std::string key = server.CreateKey("acme", kSendRead);
  const HttpResponse accepted =
      server.Post("/v1/messages", FromDeliverer(kTo, std::string(200, 'a')), key);
  ASSERT_TRUE(HasStatus(accepted, 202));
  EXPECT_EQ(accepted.json["segments"], 2);
  EXPECT_EQ(accepted.json["estimate"], PriceOf(2, "0.0100", "USD")) << accepted;

  const Json final = AwaitFinal(server, key, StringField(accepted.json, "message_id"));
  ASSERT_TRUE(final.is_object());
  EXPECT_EQ(final["status"], "delivered");
  EXPECT_EQ(final["carrier"], "sim-a");
  EXPECT_EQ(final["estimate"], PriceOf(2, "0.0100", "USD")) << final.dump();
  EXPECT_EQ(final["cost"], PriceOf(2, "0.0100", "USD")) << final.dump();
}

// The harness's carrier listens nowhere, so every message stays queued.
TEST(CostTest, NoEstimateWhereNoCarrierWouldTakeItAndNoCostBeforeTheEnd) {
  DelivererProcess server(
      "", SmppCarrierToml("sim-a", 1, "price_per_segment = 0.0035\ncountries = [\"FR\"]") +
              "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n");
  const std::string key = server.CreateKey("acme", kSendRead);
  const HttpResponse fr =
      server.Post("/v1/messages", FromDeliverer(kToFr, std::string(400, 'a')), key);
  ASSERT_TRUE(HasStatus(fr, 202));
  EXPECT_EQ(fr.json["estimate"], PriceOf(3, "0.0105", "EUR")) << fr;
  const HttpResponse queued = server.Get("/v1/messages/" + StringField(fr.json, "message_id"), key);
  ASSERT_TRUE(HasStatus(queued, 200));
  EXPECT_EQ(queued.json["status"], "queued");
  EXPECT_EQ(queued.json["estimate"], PriceOf(3, "0.0105", "EUR"));
  EXPECT_TRUE(queued.json.contains("cost") && queued.json["cost"].is_null()) << queued;

  // No carrier serves GB: accepted all the same, without an estimate.
  const HttpResponse gb = server.Post("/v1/messages", FromDeliverer(kTo, "hello"), key);
  ASSERT_TRUE(HasStatus(gb, 202));
  EXPECT_TRUE(gb.json.contains("estimate") && gb.json["estimate"].is_null()) << gb;
  const HttpResponse read = server.Get("/v1/messages/" + StringField(gb.json, "message_id"), key);
  EXPECT_TRUE(read.json.contains("estimate") && read.json["estimate"].is_null()) << read;

  const HttpResponse batch =
      server.Post("/v1/messages/batch",
                  {{"messages", {FromDeliverer(kToFr, "one"), FromDeliverer(kTo, "two")}}}, key);
  ASSERT_TRUE(HasStatus(batch, 207));
  ASSERT_EQ(batch.json["results"].size(), 2u) << batch;
  EXPECT_EQ(batch.json["results"][0]["estimate"], PriceOf(1, "0.0035", "EUR")) << batch;
  EXPECT_TRUE(batch.json["results"][1]["estimate"].is_null()) << batch;
}

}  // namespace
}  // namespace deliverer::integration
