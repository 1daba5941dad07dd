// Erasure on request (docs/reliability.md S10) end to end: `deliverer serve` against
// `deliverer sim`, a person who received messages and opted out by STOP, erased through
// the admin endpoint and through `deliverer erase`; then the data folder is scanned.
#include <gtest/gtest.h>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kPerson = "+442071838761";
constexpr const char* kSecond = "+442071838762";

// The files of the data folder that hold `number`, in either of the forms rows carry it
// (E.164, or the bare digits of SMPP addresses).
std::vector<std::string> FilesHolding(const DelivererProcess& server, const std::string& number) {
  std::vector<std::string> holding;
  for (const auto& [name, bytes] : FilesUnder(server.DataDir())) {
    if (bytes.find(number.substr(1)) != std::string::npos) holding.push_back(name);
  }
  return holding;
}

TEST(EraseTest, S10_EraseLeavesNoTraceAndTheOptOutHolds) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");

  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Send(server, key, FromDeliverer(kPerson, "S10 fixture body " + std::to_string(i))));
  const std::string second = Send(server, key, FromDeliverer(kSecond, "S10 fixture for the second person"));
  ids.push_back(second);
  AwaitTerminal(server, key, ids);
  ASSERT_EQ(sim.Post("/mo", {{"from", kPerson}, {"to", "Deliverer"}, {"text", "STOP"}}).status, 200);
  ASSERT_TRUE(WaitFor([&] { return server.Get("/v1/suppressions", key).json["data"].size() == 1; },
                      Millis(15'000), Millis(50)));
  ASSERT_FALSE(FilesHolding(server, kPerson).empty()) << "the scan must see the number before";

  // Only an admin key erases, and only a number in E.164 form.
  EXPECT_TRUE(IsProblem(server.Post("/v1/admin/erase", {{"number", kPerson}}, key), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(server.Post("/v1/admin/erase", {{"number", "2071838761"}}, admin), 400,
                        "invalid_destination", "number"));
  EXPECT_TRUE(IsProblem(server.Post("/v1/admin/erase", {{"msisdn", kPerson}}, admin), 400, "invalid_field",
                        "msisdn"));

  const HttpResponse erased = server.Post("/v1/admin/erase", {{"number", kPerson}}, admin);
  ASSERT_TRUE(HasStatus(erased, 200));
  EXPECT_EQ(erased.json["number"], "+4420****8761");
  EXPECT_EQ(erased.json["messages"], 4) << "three from the producer, and the STOP's confirmation";
  EXPECT_EQ(erased.json["inbound"], 1);
  EXPECT_EQ(erased.json["suppressions"], 1);
  EXPECT_EQ(erased.json["log_truncated"], true);
  EXPECT_EQ(FilesHolding(server, kPerson), std::vector<std::string>{});

  // The opt-out holds; what the producer reads no longer names the person.
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", FromDeliverer(kPerson, "after erasure"), key), 422,
                        "recipient_suppressed", "to"));
  const Json first = Fetch(server, key, ids[0]);
  EXPECT_EQ(first["to"], "erased");
  EXPECT_EQ(first["status"], "delivered");

  // The command does the same beside the running server.
  const CommandResult cli = RunDeliverer({"erase", "--number", kSecond, "--config", server.ConfigPath()});
  ASSERT_EQ(cli.exit_code, 0) << cli.Output();
  EXPECT_NE(cli.out.find("+4420****8762"), std::string::npos) << cli.out;
  EXPECT_EQ(cli.out.find(kSecond), std::string::npos) << cli.out;
  EXPECT_EQ(Fetch(server, key, second)["to"], "erased");
  EXPECT_EQ(RunDeliverer({"erase", "--number", "442071838762", "--config", server.ConfigPath()}).exit_code, 2);

  const HttpResponse audit = server.Get("/v1/admin/audit?action=erase", admin);
  ASSERT_TRUE(HasStatus(audit, 200));
  ASSERT_EQ(audit.json["data"].size(), 2u) << audit.json.dump();
  EXPECT_EQ(audit.json["data"][0]["target"], "+4420****8761");
  EXPECT_EQ(audit.json["data"][1]["target"], "+4420****8762");

  ASSERT_EQ(server.Terminate(), 0);
  EXPECT_EQ(FilesHolding(server, kPerson), std::vector<std::string>{});
  EXPECT_EQ(FilesHolding(server, kSecond), std::vector<std::string>{});
}

}  // namespace
}  // namespace deliverer::integration
