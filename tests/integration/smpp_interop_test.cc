// Interoperability of the SMPP server for producers with an independent SMPP 3.4 client
// library: node-smpp (tests/integration/node/, installed by scripts/install-deps) binds,
// submits and acknowledges the receipt deliver_sm, against the real `deliverer serve` and
// the simulator.
#include <gtest/gtest.h>

#include <sstream>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"
#include "integration/smpp_producer.h"
#include "support/test_certificate.h"

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

// Runs the node-smpp producer against `server`; with `ca_file`, over TLS.
CommandResult RunNodeProducer(const DelivererProcess& server, const std::string& password,
                              const std::string& ca_file = "", const std::string& message_id = "") {
  std::vector<std::string> args = {DELIVERER_SOURCE_DIR "/tests/integration/node/smpp_producer.js", "--modules",
                                   DELIVERER_SMPP_CLIENT_DIR, "--port", std::to_string(SmppServerPort(server)),
                                   "--system-id", "node1", "--password", password, "--text", "Hello from node-smpp"};
  if (!ca_file.empty()) args.insert(args.end(), {"--ca", ca_file});
  if (!message_id.empty()) args.insert(args.end(), {"--message-id", message_id});
  return RunCommand(DELIVERER_NODE, args, std::chrono::seconds(90));
}

TEST(SmppInterop, NodeSmppBindsSubmitsAndGetsItsReceipt) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml(), OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "node1");
  const CommandResult run = RunNodeProducer(server, password);
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

// docs/smpp-server.md "Sending again", from a client that knows the TLV only by its tag.
TEST(SmppInterop, NodeSmppSendsTwiceUnderItsIdAndOneMessageIsDelivered) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml(), OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "node1");
  const std::string id = "0193a4c2-5f00-7000-8000-0000000c0de5";
  const CommandResult run = RunNodeProducer(server, password, "", id);
  ASSERT_EQ(run.exit_code, 0) << run.Output();
  std::map<std::string, Json> events = EventsOf(run.out);
  EXPECT_EQ(StringField(events["submit_sm_resp"], "message_id"), id) << run.out;
  EXPECT_EQ(StringField(events["submit_sm_resp_again"], "message_id"), id) << run.out;
  EXPECT_EQ(StringField(events["deliver_sm"], "receipted_message_id"), id);

  int sent = 0;
  for (const Json& line : sim.RecordLines()) sent += StringField(line, "text") == "Hello from node-smpp" ? 1 : 0;
  EXPECT_EQ(sent, 1) << "one message, delivered once";
}

TEST(SmppInterop, NodeSmppOverTlsTrustsTheServersCertificate) {
  TempDir certs;
  const test_tls::TestCertificate certificate = test_tls::MakeSelfSigned();
  const std::string cert_file = certs.WriteFile("smpp.pem", certificate.certificate_pem);
  const std::string key_file = certs.WriteFile("smpp-key.pem", certificate.key_pem);
  SimProcess sim;
  DelivererProcess server(
      SmppServerToml("tls_cert_file = \"" + cert_file + "\"\ntls_key_file = \"" + key_file + "\"\n"),
      OneCarrier(sim.SmppPort()));
  EXPECT_TRUE(server.WaitForLog("(TLS)"));
  const std::string password = CreateSmppCredential(server, "acme", "node1");
  const CommandResult run = RunNodeProducer(server, password, cert_file);
  ASSERT_EQ(run.exit_code, 0) << run.Output();
  std::map<std::string, Json> events = EventsOf(run.out);
  EXPECT_EQ(StringField(events["deliver_sm"], "receipted_message_id"), StringField(events["submit_sm_resp"], "message_id"));

  // Plain SMPP on the TLS port gets nowhere.
  SmppClient plain(SmppServerPort(server));
  EXPECT_NE(plain.BindTransceiver("node1", password), 0u);
}

}  // namespace
}  // namespace deliverer::integration
