// Per-destination order end to end (docs/architecture.md "Delivery, in order") with a
// carrier slow to answer: a destination's next message waits for the answer to its
// previous one, and no other destination waits for it.
#include <algorithm>
#include <map>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr int kLatencyMs = 300;
constexpr int kDestinations = 20;
constexpr int kRounds = 3;

struct Arrival {
  SysMillis at;
  std::string text;
};

TEST(OrderTest, ADestinationWaitsForItsAnswerWhileOthersGoOutBeside) {
  SimProcess sim({"--latency-ms", std::to_string(kLatencyMs)});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort(), "window = 128"));
  const std::string key = server.CreateKey("acme", kSendRead);
  // One batch, so every message is queued before the first answer could come back.
  Json messages = Json::array();
  std::map<std::string, std::vector<std::string>> expected;  // destination without '+' → texts
  for (int round = 0; round < kRounds; ++round) {
    for (int d = 0; d < kDestinations; ++d) {
      const std::string to = "+4479111" + std::to_string(30000 + d);
      const std::string text = "round " + std::to_string(round) + " to " + std::to_string(d);
      messages.push_back(FromDeliverer(to, text));
      expected[to.substr(1)].push_back(text);
    }
  }
  HttpResponse r = server.Post("/v1/messages/batch", {{"messages", messages}}, key);
  ASSERT_TRUE(HasStatus(r, 207));
  std::vector<std::string> ids;
  for (const Json& result : r.json["results"]) ids.push_back(StringField(result, "message_id"));
  ASSERT_EQ(ids.size(), messages.size()) << r;
  auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m.dump();

  std::map<std::string, std::vector<Arrival>> arrivals;
  for (Json line : sim.RecordLines()) {
    arrivals[StringField(line, "destination")].push_back(
        {ParseRfc3339Millis(StringField(line, "t")), StringField(line, "text")});
  }
  ASSERT_EQ(arrivals.size(), expected.size());
  std::vector<SysMillis> firsts;
  for (const auto& [destination, got] : arrivals) {
    SCOPED_TRACE(destination);
    std::vector<std::string> texts;
    for (const Arrival& a : got) texts.push_back(a.text);
    EXPECT_EQ(texts, expected[destination]) << "acceptance order";
    for (size_t i = 1; i < got.size(); ++i) {
      EXPECT_GE((got[i].at - got[i - 1].at).count(), kLatencyMs)
          << "message " << i << " went out before the answer to the one before it";
    }
    firsts.push_back(got.front().at);
  }
  const auto [earliest, latest] = std::minmax_element(firsts.begin(), firsts.end());
  EXPECT_LT((*latest - *earliest).count(), kLatencyMs)
      << "every destination's first message goes out before any answer comes back";
}

}  // namespace
}  // namespace deliverer::integration
