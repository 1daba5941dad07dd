// docs/reliability.md security promises proved end to end (the others live beside the feature
// they guard: S5 in delivery_test.cc, S7 in limits_test.cc).
#include <gtest/gtest.h>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

// Every DelivererProcess scans its log at the end of every integration test (harness.h,
// CheckLogHoldsNoSensitiveData); this test drives the paths that log the most, at debug
// level, so the scan has something to find if anything leaks.
TEST(SecurityTest, S8_no_pii_in_logs) {
  SimProcess sim({"--config-json", R"({"receipts":{"outcomes":{"DELIVRD":1,"UNDELIV":1}}})"});
  const std::string carriers = SmppCarrierToml("sim-a", sim.SmppPort()) +
                               "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n";
  DelivererProcess server(std::string(kFastDelivery) + "[logging]\nlevel = \"debug\"\n", carriers);
  const std::string key = server.CreateKey("acme", "messages:send,messages:read,suppressions:write");
  const std::string body = "Private body 7f3a9c: meet at 18:00, door code 4471";
  std::vector<std::string> ids;
  for (const char* to : {"+442071838750", "+442071838751", "+33612345678"}) {
    ids.push_back(Send(server, key, Json{{"from", "+442071838799"}, {"to", to}, {"body", body}}));
  }
  AwaitTerminal(server, key, ids);
  // Refusals that could echo their input.
  server.Post("/v1/messages", Json{{"from", "Acme"}, {"to", "+44207183875099999"}, {"body", body}}, key);
  server.Post("/v1/messages", Json{{"from", "Acme"}, {"to", "+442071838752"}, {"body", std::string(2000, 'z')}}, key);
  server.Post("/v1/messages", Json{{"from", "Acme"}, {"to", "+442071838753"}, {"body", body}}, "dlv_live_bogus");
  server.Put("/v1/suppressions/+442071838754", {{"reason", "customer asked"}}, key);
  // An opt-out from the subscriber, then a send to the suppressed number.
  ASSERT_EQ(sim.Post("/mo", {{"from", "+442071838751"}, {"to", "Deliverer"}, {"text", "STOP sending me these"}}).status,
            200);
  server.Post("/v1/messages", Json{{"from", "Acme"}, {"to", "+442071838751"}, {"body", body}}, key);
  // A receipt nobody asked for, from the carrier's callback path.
  server.Send("POST", "/v1/dlr/sim-a", {{"X-Carrier-Token", "nope"}},
              R"({"carrier_message_id":"ABC","status":"DELIVRD","to":"+442071838755"})", "application/json");
  server.Terminate();
  ASSERT_FALSE(server.Log().empty());
  // The destructor's scan is the assertion; make the expectation visible here too.
  EXPECT_EQ(server.Log().find(body), std::string::npos);
  EXPECT_EQ(server.Log().find("442071838751"), std::string::npos);
  EXPECT_EQ(server.Log().find(key), std::string::npos);
}

}  // namespace
}  // namespace deliverer::integration
