// docs/reliability.md R3/R4 under a crash: kill -9 of `serve` in the middle of a 20,000-message
// run, then a restart on the same data: every message that got 202 ends terminal, none is
// lost, and the duplicates the simulator saw stay within the in-flight window.
#include <gtest/gtest.h>

#include <map>

#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr int kCrashMessages = 20'000;
constexpr int kBinds = 2;
constexpr int kWindow = 64;

// Counts the account's messages in `status` by paging through the list.
int CountWithStatus(const DelivererProcess& server, const std::string& key, const std::string& status) {
  int count = 0;
  std::string cursor;
  for (;;) {
    std::string path = "/v1/messages?status=" + status + "&limit=1000";
    if (!cursor.empty()) path += "&cursor=" + cursor;
    HttpResponse r = server.Get(path, key);
    if (r.status != 200) return -1;
    count += static_cast<int>(r.json["data"].size());
    if (r.json["next_cursor"].is_null()) return count;
    cursor = r.json["next_cursor"];
  }
}

TEST(CrashDeliveryTest, R3_KillNineMidRunLosesNothingAndBoundsDuplicates) {
  SimProcess sim;
  const std::string carrier = SmppCarrierToml(
      "sim-a", sim.SmppPort(),
      "binds = " + std::to_string(kBinds) + "\nwindow = " + std::to_string(kWindow) +
          "\nreconnect_min_ms = 50\nreconnect_max_ms = 200");
  DelivererProcess server("", carrier + "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n");
  const std::string key = server.CreateKey("acme", "messages:send,messages:read");

  int accepted = 0;
  for (int batch = 0; batch < kCrashMessages / 1000; ++batch) {
    Json messages = Json::array();
    for (int i = 0; i < 1000; ++i) {
      const int n = batch * 1000 + i;
      messages.push_back({{"from", "Deliverer"},
                          {"to", "+4479111" + std::to_string(30000 + n % 5000)},
                          {"body", "crash run " + std::to_string(n)}});
    }
    HttpResponse r = server.Post("/v1/messages/batch", {{"messages", messages}}, key);
    ASSERT_EQ(r.status, 207) << r;
    for (const Json& result : r.json["results"]) accepted += result["status"] == 202 ? 1 : 0;
  }
  ASSERT_EQ(accepted, kCrashMessages);

  // Mid-run: some submitted, most not yet.
  ASSERT_TRUE(WaitFor([&] { return sim.Stats().value("submits", 0) >= 2'000; }, Millis(60'000)));
  server.Kill9();
  server.Restart();

  ASSERT_TRUE(WaitFor([&] {
    return CountWithStatus(server, key, "queued") == 0 && CountWithStatus(server, key, "sent") == 0;
  }, Millis(180'000), Millis(500))) << "every accepted message reaches a terminal status";
  EXPECT_EQ(CountWithStatus(server, key, "delivered"), kCrashMessages) << "none lost";

  // Each message went out at least once; a crash may repeat at most what was in flight.
  sim.Stats();
  std::map<std::string, int> submits_per_body;
  for (const Json& line : sim.RecordLines()) ++submits_per_body[StringField(line, "text")];
  EXPECT_EQ(static_cast<int>(submits_per_body.size()), kCrashMessages);
  int duplicates = 0;
  for (const auto& [body, count] : submits_per_body) duplicates += count - 1;
  EXPECT_LE(duplicates, kBinds * kWindow) << "duplicates beyond the in-flight window";
  RecordProperty("duplicates", duplicates);
}

}  // namespace
}  // namespace deliverer::integration
