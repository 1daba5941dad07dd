// `deliverer serve --role api` and carrier callbacks (docs/api.md "Carrier callbacks"): a
// process that does not deliver cannot record a receipt or an inbound message, so it
// answers an authenticated callback 503 storage_unavailable (the carrier retries, at a
// process that delivers), an unauthenticated one 401 as any process does, and records
// nothing either way.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

constexpr const char* kApiRoleToken = "role-api-carrier-callback-token";
constexpr const char* kSubscriber = "+442071838777";

// One SMPP carrier "sim-a" whose callbacks need kApiRoleToken (nothing listens on its
// port: the api role never binds anyway), and a route to it.
std::string ApiRoleCarrier() {
  return SmppCarrierToml("sim-a", 1, std::string("dlr_token = \"") + kApiRoleToken + "\"") +
         "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n";
}

// POST /v1/{kind}/sim-a with `body`, carrying `token` as X-Carrier-Token unless it is "".
HttpResponse Callback(const DelivererProcess& server, const std::string& kind, const Json& body,
                      const std::string& token) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("X-Carrier-Token", token);
  return server.Send("POST", "/v1/" + kind + "/sim-a", headers, body.dump(), "application/json");
}

TEST(RoleApiTest, CarrierCallbacksAreRefusedAndNothingIsRecorded) {
  DelivererProcess server(kFastDelivery, ApiRoleCarrier(), {"--role", "api"});
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");
  const std::string id = Send(server, key, FromDeliverer(kSubscriber, "sent before the callbacks"));

  const std::vector<std::pair<std::string, Json>> callbacks = {
      {"dlr", {{"carrier_message_id", "68E4A2B1000003"}, {"status", "DELIVRD"}, {"error_code", "000"}}},
      {"inbound", {{"from", kSubscriber}, {"to", "Deliverer"}, {"text", "STOP"}}}};
  for (const auto& [kind, body] : callbacks) {
    SCOPED_TRACE(kind);
    EXPECT_TRUE(IsProblem(Callback(server, kind, body, kApiRoleToken), 503, "storage_unavailable"));
    EXPECT_TRUE(IsProblem(Callback(server, kind, body, ""), 401, "unauthenticated"));
    EXPECT_TRUE(IsProblem(Callback(server, kind, body, "not-the-carrier-token"), 401, "unauthenticated"));
  }

  // Nothing recorded: no inbound message, no opt-out from the STOP, no receipt.
  HttpResponse inbound = server.Get("/v1/admin/inbound", admin);
  ASSERT_TRUE(HasStatus(inbound, 200));
  EXPECT_TRUE(inbound.json["data"].empty()) << inbound;
  HttpResponse suppressions = server.Get("/v1/suppressions", key);
  ASSERT_TRUE(HasStatus(suppressions, 200));
  EXPECT_TRUE(suppressions.json["data"].empty()) << suppressions;
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", FromDeliverer(kSubscriber, "after the STOP"), key), 202))
      << "the refused STOP suppressed the number";
  EXPECT_EQ(StringField(Fetch(server, key, id), "status"), "queued");
  EXPECT_EQ(Metric(server, "deliverer_dlr_received_total"), 0);
  EXPECT_EQ(Metric(server, "deliverer_carrier_callbacks_refused_total"), 4)
      << "the four unauthenticated callbacks, and not the authenticated ones";
}

}  // namespace
}  // namespace deliverer::integration
