// Interoperability of the SMPP server for producers with an independent SMPP 3.4 client
// library: node-smpp (tests/integration/node/, installed by scripts/install-deps) binds,
// submits and acknowledges the receipt deliver_sm, against the real `deliverer serve` and
// the simulator.
#include <gtest/gtest.h>

#include <sstream>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"
#include "integration/smpp_producer.h"

namespace deliverer::integration {
namespace {

// The script's JSON lines, by their "event".
std::map<std::string, Json> EventsOf(const std::string& out) {
  std::map<std::string, Json> events;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const Json event = ParseObject(line);
    if (event.is_object()) events[StringField(event, "event")] = event;
  }
  return events;
}

TEST(SmppInterop, NodeSmppBindsSubmitsAndGetsItsReceipt) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml(), OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "node1");
  const CommandResult run =
      RunCommand(DELIVERER_NODE, {DELIVERER_SOURCE_DIR "/tests/integration/node/smpp_producer.js", "--modules",
                                  DELIVERER_SMPP_CLIENT_DIR, "--port", std::to_string(SmppServerPort(server)),
                                  "--system-id", "node1", "--password", password, "--text", "Hello from node-smpp"},
                 std::chrono::seconds(90));
  ASSERT_EQ(run.exit_code, 0) << run.Output();
  std::map<std::string, Json> events = EventsOf(run.out);
  EXPECT_EQ(events["bind_transceiver_resp"]["command_status"], 0);
  const std::string id = StringField(events["submit_sm_resp"], "message_id");
  EXPECT_TRUE(IsUuid(id, 7)) << run.out;
  const Json& receipt = events["deliver_sm"];
  EXPECT_EQ(StringField(receipt, "receipted_message_id"), id);
  EXPECT_EQ(receipt["message_state"], 2);
  EXPECT_NE(StringField(receipt, "text").find("id:" + id + " "), std::string::npos) << receipt;
  EXPECT_NE(StringField(receipt, "text").find("stat:DELIVRD"), std::string::npos) << receipt;

  bool sent = false;
  for (const Json& line : sim.RecordLines()) sent = sent || StringField(line, "text") == "Hello from node-smpp";
  EXPECT_TRUE(sent) << "the simulator got the text as node-smpp encoded it";
}

}  // namespace
}  // namespace deliverer::integration
