// `deliverer sim`'s scripted behaviours over real sockets: error mixes, throttling,
// receipt faults and connection faults (docs/simulator.md). Each waits for an event
// (a PDU, a close, a counter), never for a fixed time.
#include <gtest/gtest.h>

#include "integration/sim_client.h"
#include "integration/sim_process.h"
#include "receipts/carrier_id.h"
#include "smpp/codec.h"
#include "smpp/status.h"
#include "smpp/tlv.h"
#include "text/text.h"

namespace deliverer::integration {
namespace {

TEST(SimFaultsTest, PermanentRateOneAnswersInvalidDestination) {
  SimProcess sim({"--permanent-rate", "1"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  const uint32_t seq = client.Send(MakeSubmit("hello"));
  auto resp = Expect<smpp::SubmitSmResp>(client, seq);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->header.command_status, smpp::kEsmeRInvDstAdr);
  EXPECT_EQ(sim.Stats()["permanent_errors"], 1);
}

TEST(SimFaultsTest, AboveMaxTpsAnswersThrottled) {
  SimProcess sim({"--max-tps", "1"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  constexpr int kSubmits = 20;
  for (int i = 0; i < kSubmits; ++i) client.Send(MakeSubmit("burst", 0));
  int ok = 0, throttled = 0;
  for (int i = 0; i < kSubmits; ++i) {
    auto resp = Expect<smpp::SubmitSmResp>(client);
    ASSERT_TRUE(resp);
    ok += resp->header.command_status == smpp::kEsmeROk;
    throttled += resp->header.command_status == smpp::kEsmeRThrottled;
  }
  EXPECT_EQ(ok + throttled, kSubmits);
  EXPECT_GE(ok, 1);
  EXPECT_GE(throttled, 1);
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["throttled"], throttled);
  EXPECT_EQ(stats["accepted"], ok);
}

TEST(SimFaultsTest, RefusedBindIsAnsweredThenClosed) {
  SimProcess sim({"--refuse-binds"});
  SmppClient client(sim.SmppPort());
  EXPECT_EQ(client.BindTransceiver(), smpp::kEsmeRBindFail);
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(sim.Stats()["binds"], 0);
}

TEST(SimFaultsTest, NackedReceiptIsSentAgain) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("resend me"));
  auto resp = Expect<smpp::SubmitSmResp>(client);
  ASSERT_TRUE(resp);
  auto first = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(first);
  client.AnswerDeliver(*first, smpp::kEsmeRxTAppn);
  auto again = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(again);
  EXPECT_NE(again->header.sequence_number, first->header.sequence_number);
  EXPECT_EQ(Deliver(*again), Deliver(*first));
  client.AnswerDeliver(*again);
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 1));
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["receipt_nacks"], 1);
  EXPECT_EQ(stats["receipts_resent"], 1);
  EXPECT_EQ(stats["receipts_sent"], 1);
}

TEST(SimFaultsTest, DecimalIdFormMatchesAsHexToDecimal) {
  SimProcess sim({"--config-json", R"({"receipts":{"id_form":"decimal"}})"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("decimal"));
  auto resp = Expect<smpp::SubmitSmResp>(client);
  auto deliver = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(resp && deliver);
  const std::string id = SubmitResp(*resp).message_id.value_or("");
  const std::string receipt_id = smpp::GetReceiptedMessageId(Deliver(*deliver).tlvs).value_or("");
  EXPECT_NE(id, receipt_id);
  EXPECT_TRUE(receipts::SameCarrierId(id, receipt_id, receipts::CarrierIdMatch::kHexToDecimal))
      << id << " vs " << receipt_id;
}

TEST(SimFaultsTest, EarlyReceiptComesBeforeTheResponse) {
  SimProcess sim({"--config-json", R"({"receipts":{"early_rate":1}})"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  const uint32_t seq = client.Send(MakeSubmit("early"));
  auto deliver = Expect<smpp::DeliverSm>(client);
  auto resp = Expect<smpp::SubmitSmResp>(client, seq);
  ASSERT_TRUE(deliver && resp);
  EXPECT_EQ(smpp::GetReceiptedMessageId(Deliver(*deliver).tlvs), SubmitResp(*resp).message_id);
}

TEST(SimFaultsTest, BlackHoleAnswersNothing) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"faults", {{"black_hole", true}}}}), 200));
  const uint32_t unanswered = client.Send(smpp::EnquireLink{});
  client.Send(MakeSubmit("into the void"));
  ASSERT_TRUE(sim.WaitForStat("submits", 1));  // both PDUs have been read
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"faults", {{"black_hole", false}}}}), 200));
  const uint32_t answered = client.Send(smpp::EnquireLink{});
  auto resp = Expect<smpp::EnquireLinkResp>(client, answered);
  ASSERT_TRUE(resp);
  EXPECT_NE(resp->header.sequence_number, unanswered);
  ASSERT_TRUE(HasStatus(sim.Get("/stats"), 200));
  const std::vector<Json> lines = sim.RecordLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]["status"].is_null());
}

TEST(SimFaultsTest, ControlDisconnectDropsEveryConnection) {
  SimProcess sim;
  SmppClient a(sim.SmppPort()), b(sim.SmppPort());
  ASSERT_EQ(a.BindTransceiver(), smpp::kEsmeROk);
  ASSERT_EQ(b.BindReceiver(), smpp::kEsmeROk);
  HttpResponse r = sim.Post("/disconnect");
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(r.json["disconnected"], 2);
  EXPECT_TRUE(a.WaitClosed());
  EXPECT_TRUE(b.WaitClosed());
  EXPECT_EQ(sim.Stats()["disconnects"], 2);
}

TEST(SimFaultsTest, DisconnectAfterPdusCutsTheLastPdu) {
  SimProcess sim({"--config-json", R"({"faults":{"disconnect_after_pdus":2,"cut_pdu":true}})"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);  // PDU 1
  const uint32_t seq = client.Send(smpp::EnquireLink{});  // PDU 2: answered, then half a PDU
  EXPECT_TRUE(Expect<smpp::EnquireLinkResp>(client, seq));
  EXPECT_TRUE(client.WaitClosed());
}

TEST(SimFaultsTest, LatencyAndReceiptDelayStillDeliver) {
  SimProcess sim({"--latency-ms", "20", "--receipt-delay-ms", "10-40"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  const uint32_t seq = client.Send(MakeSubmit("later"));
  auto resp = Expect<smpp::SubmitSmResp>(client, seq);
  auto deliver = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(resp && deliver);
  EXPECT_EQ(smpp::GetReceiptedMessageId(Deliver(*deliver).tlvs), SubmitResp(*resp).message_id);
}

TEST(SimFaultsTest, DuplicateReceiptsAreTwoDeliverSm) {
  SimProcess sim({"--config-json", R"({"receipts":{"duplicate_rate":1}})"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("twice"));
  auto resp = Expect<smpp::SubmitSmResp>(client);
  auto first = Expect<smpp::DeliverSm>(client);
  auto second = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(resp && first && second);
  EXPECT_NE(first->header.sequence_number, second->header.sequence_number);
  EXPECT_EQ(Deliver(*first), Deliver(*second));
  client.AnswerDeliver(*first);
  client.AnswerDeliver(*second);
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 2));
  EXPECT_EQ(sim.Stats()["receipts_sent"], 2);
}

TEST(SimFaultsTest, DroppedReceiptNeverComes) {
  SimProcess sim({"--config-json", R"({"receipts":{"drop_rate":1}})"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("lost"));
  ASSERT_TRUE(Expect<smpp::SubmitSmResp>(client));
  const uint32_t seq = client.Send(smpp::EnquireLink{});
  EXPECT_TRUE(Expect<smpp::EnquireLinkResp>(client, seq));  // nothing in between
  EXPECT_EQ(sim.Stats()["receipts_pending"], 0);
}

TEST(SimFaultsTest, ReceiptIsAbandonedAfterMaxResends) {
  SimProcess sim({"--config-json", R"({"receipts":{"max_resends":0}})"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("give up"));
  ASSERT_TRUE(Expect<smpp::SubmitSmResp>(client));
  auto deliver = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(deliver);
  client.AnswerDeliver(*deliver, smpp::kEsmeRxTAppn);
  ASSERT_TRUE(sim.WaitForStat("receipts_abandoned", 1));
  EXPECT_EQ(sim.Stats()["receipts_pending"], 0);
}

TEST(SimFaultsTest, OutageRefusesBinds) {
  SimProcess sim({"--config-json", R"({"faults":{"outages":[{"start_s":0,"duration_s":3600}]}})"});
  ASSERT_TRUE(WaitFor([&] { return sim.Log().find("outage begins") != std::string::npos; },
                      std::chrono::seconds(15)));
  SmppClient client(sim.SmppPort());
  EXPECT_EQ(client.BindTransceiver(), smpp::kEsmeRBindFail);
  EXPECT_TRUE(client.WaitClosed());
}

TEST(SimFaultsTest, DisconnectEverySecondsDropsTheBind) {
  SimProcess sim({"--disconnect-every-s", "0.2"});
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  EXPECT_TRUE(client.WaitClosed());
  ASSERT_TRUE(sim.WaitForStat("disconnects", 1));
}

}  // namespace
}  // namespace deliverer::integration
