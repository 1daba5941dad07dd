// `deliverer sim` over real sockets: a raw SMPP client against the real binary, with the
// control API and the record file checked from outside (docs/simulator.md).
#include <gtest/gtest.h>

#include "integration/sim_client.h"
#include "integration/sim_process.h"
#include "receipts/receipt.h"
#include "smpp/codec.h"
#include "smpp/deliver_receipt.h"
#include "smpp/status.h"
#include "smpp/tlv.h"
#include "text/text.h"

namespace deliverer::integration {
namespace {

TEST(SimTest, SubmitIsAcceptedAndItsReceiptCarriesTheSameId) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  const uint32_t seq = client.Send(MakeSubmit("Your code is 123456"));
  auto resp = Expect<smpp::SubmitSmResp>(client, seq);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->header.command_status, smpp::kEsmeROk);
  const std::string id = SubmitResp(*resp).message_id.value_or("");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(id.find_first_not_of("0123456789ABCDEF"), std::string::npos) << id;

  auto deliver = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(deliver);
  const smpp::DeliverSm& receipt = Deliver(*deliver);
  EXPECT_EQ(receipt.esm_class, 0x04);
  EXPECT_EQ(receipt.source_addr, "442071838750");
  EXPECT_EQ(receipt.destination_addr, "14155550100");
  EXPECT_EQ(smpp::GetReceiptedMessageId(receipt.tlvs), id);
  auto parsed = smpp::ParseReceipt(receipt);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text_id, id);
  EXPECT_EQ(parsed->stat, "DELIVRD");
  EXPECT_EQ(parsed->state, receipts::MessageState::kDelivered);
  EXPECT_EQ(parsed->text, "Your code is 123456");
  client.AnswerDeliver(*deliver);

  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 1));
  const Json stats = sim.Stats();
  EXPECT_EQ(stats["binds"], 1);
  EXPECT_EQ(stats["submits"], 1);
  EXPECT_EQ(stats["accepted"], 1);
  EXPECT_EQ(stats["receipts_sent"], 1);
  EXPECT_EQ(stats["receipts_pending"], 0);
}

TEST(SimTest, NoReceiptWithoutRegisteredDelivery) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("no receipt", 0));
  ASSERT_TRUE(Expect<smpp::SubmitSmResp>(client));
  // An enquire_link after it: its answer is the next PDU, so no receipt came in between.
  const uint32_t seq = client.Send(smpp::EnquireLink{});
  EXPECT_TRUE(Expect<smpp::EnquireLinkResp>(client, seq));
}

TEST(SimTest, RefusalStatusAndCredentialsAreChecked) {
  SimProcess sim({"--system-id", "acme", "--password", "s3cret"});
  {
    SmppClient client(sim.SmppPort());
    EXPECT_EQ(client.BindTransceiver("acme", "wrong"), smpp::kEsmeRInvPaswd);
  }
  {
    SmppClient client(sim.SmppPort());
    EXPECT_EQ(client.BindTransmitter("other", "s3cret"), smpp::kEsmeRInvSysId);
  }
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"faults", {{"refuse_binds", true}, {"bind_refuse_status", "0x08"}}}}), 200));
  {
    SmppClient client(sim.SmppPort());
    EXPECT_EQ(client.BindReceiver("acme", "s3cret"), smpp::kEsmeRSysErr);
  }
  ASSERT_TRUE(HasStatus(sim.Patch("/config", {{"faults", {{"refuse_binds", false}}}}), 200));
  SmppClient client(sim.SmppPort());
  EXPECT_EQ(client.BindReceiver("acme", "s3cret"), smpp::kEsmeROk);
}

TEST(SimTest, SubmitOnAReceiverBindIsRefused) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindReceiver(), smpp::kEsmeROk);
  const uint32_t seq = client.Send(MakeSubmit("wrong bind"));
  auto resp = Expect<smpp::SubmitSmResp>(client, seq);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->header.command_status, smpp::kEsmeRInvBndSts);
}

TEST(SimTest, MoInjectionArrivesAsDeliverSm) {
  SimProcess sim;
  const Json mo = {{"from", "+447700900123"}, {"to", "12345"}, {"text", "STOP"}};
  HttpResponse none = sim.Post("/mo", mo);
  EXPECT_EQ(none.status, 409) << none;
  EXPECT_EQ(none.json.value("error", ""), "no_receiver");

  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  HttpResponse sent = sim.Post("/mo", mo);
  ASSERT_TRUE(HasStatus(sent, 200));
  EXPECT_EQ(sent.json, (Json{{"sent", 1}}));
  auto deliver = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(deliver);
  const smpp::DeliverSm& d = Deliver(*deliver);
  EXPECT_EQ(d.esm_class, 0x00);
  EXPECT_FALSE(smpp::IsReceipt(d.esm_class));
  EXPECT_EQ(d.source_addr, "447700900123");
  EXPECT_EQ(d.source_addr_ton, 1);
  EXPECT_EQ(d.source_addr_npi, 1);
  EXPECT_EQ(d.destination_addr, "12345");
  EXPECT_EQ(d.data_coding, 0);
  EXPECT_EQ(text::DecodeGsm7(d.short_message), "STOP");
  client.AnswerDeliver(*deliver);
  EXPECT_EQ(sim.Stats()["mo_sent"], 1);

  EXPECT_EQ(sim.Post("/mo", {{"from", "+447700900123"}, {"to", "12345"}, {"txt", "x"}}).status, 400);
}

TEST(SimTest, RecordHoldsEverySubmitWithItsFields) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransmitter(), smpp::kEsmeROk);
  const uint32_t single = client.Send(MakeSubmit("Hello {world}", 0));
  auto single_resp = Expect<smpp::SubmitSmResp>(client, single);
  ASSERT_TRUE(single_resp);

  // A two-part message with an 8-bit-reference UDH, as the gateway sends it.
  auto encoded = text::Encode(std::string(200, 'x') + "END", 0x5A);
  ASSERT_TRUE(encoded.ok());
  ASSERT_EQ(encoded->segments.size(), 2u);
  std::vector<std::string> ids;
  for (const auto& segment : encoded->segments) {
    smpp::SubmitSm part = MakeSubmit("", 1);
    part.esm_class = 0x40;
    part.short_message = segment.udh;
    part.short_message.insert(part.short_message.end(), segment.payload.begin(), segment.payload.end());
    const uint32_t seq = client.Send(part);
    auto resp = Expect<smpp::SubmitSmResp>(client, seq);
    ASSERT_TRUE(resp);
    ids.push_back(SubmitResp(*resp).message_id.value_or(""));
  }
  EXPECT_NE(ids[0], ids[1]);  // each segment is a message of its own at the carrier

  ASSERT_TRUE(HasStatus(sim.Get("/stats"), 200));  // flushes the record
  const std::vector<Json> lines = sim.RecordLines();
  ASSERT_EQ(lines.size(), 3u);
  const Json& first = lines[0];
  EXPECT_TRUE(IsRfc3339Millis(StringField(first, "t")));
  EXPECT_EQ(first["bind"], 1);
  EXPECT_EQ(first["seq"], single);
  EXPECT_EQ(first["carrier_id"], SubmitResp(*single_resp).message_id.value_or(""));
  EXPECT_EQ(first["status"], 0);
  EXPECT_EQ(first["source"], "14155550100");
  EXPECT_EQ(first["source_ton"], 1);
  EXPECT_EQ(first["source_npi"], 1);
  EXPECT_EQ(first["destination"], "442071838750");
  EXPECT_EQ(first["dest_ton"], 1);
  EXPECT_EQ(first["dest_npi"], 1);
  EXPECT_EQ(first["data_coding"], 0);
  EXPECT_EQ(first["esm_class"], 0);
  EXPECT_EQ(first["registered_delivery"], 0);
  EXPECT_EQ(first["validity_period"], "000001000000000R");
  EXPECT_TRUE(first["udh"].is_null());
  EXPECT_EQ(first["text"], "Hello {world}");
  EXPECT_EQ(first["message_payload"], false);
  for (int part = 1; part <= 2; ++part) {
    const Json& line = lines[part];
    EXPECT_EQ(line["carrier_id"], ids[part - 1]);
    EXPECT_EQ(line["esm_class"], 0x40);
    EXPECT_EQ(line["registered_delivery"], 1);
    EXPECT_EQ(line["udh"], (Json{{"ref", 0x5A}, {"part", part}, {"total", 2}}));
  }
  EXPECT_EQ(StringField(lines[1], "text") + StringField(lines[2], "text"),
            std::string(200, 'x') + "END");
}

TEST(SimTest, MalformedPduGetsGenericNackAndTheBindStays) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  // A framed PDU with an unknown command_id, sequence 42.
  client.SendRaw({0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 42});
  auto nack = Expect<smpp::GenericNack>(client, 42);
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->header.command_status, smpp::kEsmeRInvCmdId);
  // A submit_sm whose service_type has no terminating NUL, sequence 43.
  client.SendRaw({0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 43, 'a', 'b', 'c', 'd'});
  nack = Expect<smpp::GenericNack>(client, 43);
  ASSERT_TRUE(nack);
  EXPECT_NE(nack->header.command_status, smpp::kEsmeROk);

  const uint32_t seq = client.Send(MakeSubmit("still bound", 0));
  auto resp = Expect<smpp::SubmitSmResp>(client, seq);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->header.command_status, smpp::kEsmeROk);
  EXPECT_EQ(sim.Stats()["malformed"], 2);
}

TEST(SimTest, BrokenFramingDropsTheConnection) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.SendRaw({0, 0, 0, 3, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1});  // command_length 3
  EXPECT_TRUE(client.WaitClosed());
  ASSERT_TRUE(sim.WaitForStat("disconnects", 1));
}

TEST(SimTest, ReceiptWaitsForAReceiverOfTheSameSystemId) {
  SimProcess sim;
  SmppClient transmitter(sim.SmppPort());
  ASSERT_EQ(transmitter.BindTransmitter("acme"), smpp::kEsmeROk);
  transmitter.Send(MakeSubmit("to the receiver"));
  auto resp = Expect<smpp::SubmitSmResp>(transmitter);
  ASSERT_TRUE(resp);
  ASSERT_TRUE(sim.WaitForStat("receipts_pending", 1));

  SmppClient other(sim.SmppPort());
  ASSERT_EQ(other.BindReceiver("someone-else"), smpp::kEsmeROk);
  SmppClient receiver(sim.SmppPort());
  ASSERT_EQ(receiver.BindReceiver("acme"), smpp::kEsmeROk);
  auto deliver = Expect<smpp::DeliverSm>(receiver);
  ASSERT_TRUE(deliver);
  EXPECT_EQ(smpp::GetReceiptedMessageId(Deliver(*deliver).tlvs), SubmitResp(*resp).message_id);
  receiver.AnswerDeliver(*deliver);
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", 1));
}

TEST(SimTest, UnbindIsAnsweredThenClosed) {
  SimProcess sim;
  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  const uint32_t seq = client.Send(smpp::Unbind{});
  EXPECT_TRUE(Expect<smpp::UnbindResp>(client, seq));
  EXPECT_TRUE(client.WaitClosed());
}

TEST(SimTest, ControlApiConfigAndReset) {
  SimProcess sim;
  ASSERT_TRUE(HasStatus(sim.Get("/healthz"), 200));
  HttpResponse config = sim.Get("/config");
  ASSERT_TRUE(HasStatus(config, 200));
  EXPECT_EQ(config.json["submit"]["transient_codes"], (Json{0x58, 0x14, 0x08}));
  EXPECT_EQ(config.json["receipts"]["outcomes"]["DELIVRD"], 1.0);

  HttpResponse bad = sim.Patch("/config", {{"receipts", {{"outcome", {{"UNDELIV", 1}}}}}});
  EXPECT_EQ(bad.status, 400) << bad;
  EXPECT_EQ(bad.json.value("key", ""), "receipts.outcome");
  EXPECT_EQ(sim.Patch("/config", {{"submit", {{"max_tps", -1}}}}).status, 400);

  HttpResponse patched = sim.Patch("/config", {{"receipts", {{"outcomes", {{"DELIVRD", 0}, {"UNDELIV", 1}}}}}});
  ASSERT_TRUE(HasStatus(patched, 200));
  EXPECT_EQ(patched.json["receipts"]["outcomes"]["UNDELIV"], 1.0);
  EXPECT_EQ(sim.Get("/config").json, patched.json);

  SmppClient client(sim.SmppPort());
  ASSERT_EQ(client.BindTransceiver(), smpp::kEsmeROk);
  client.Send(MakeSubmit("fails"));
  ASSERT_TRUE(Expect<smpp::SubmitSmResp>(client));
  auto deliver = Expect<smpp::DeliverSm>(client);
  ASSERT_TRUE(deliver);
  auto parsed = smpp::ParseReceipt(Deliver(*deliver));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->stat, "UNDELIV");
  EXPECT_TRUE(parsed->network_error.has_value());

  EXPECT_EQ(sim.Stats()["submits"], 1);
  ASSERT_TRUE(HasStatus(sim.Post("/reset"), 200));
  EXPECT_EQ(sim.Stats()["submits"], 0);
  EXPECT_EQ(sim.Get("/nowhere").status, 404);
  EXPECT_EQ(sim.Post("/stats").status, 405);
}

TEST(SimTest, SigtermFlushesTheRecordAndExitsZero) {
  SimProcess sim;
  {
    SmppClient client(sim.SmppPort());
    ASSERT_EQ(client.BindTransmitter(), smpp::kEsmeROk);
    client.Send(MakeSubmit("last words", 0));
    ASSERT_TRUE(Expect<smpp::SubmitSmResp>(client));
    EXPECT_EQ(sim.Terminate(), 0);
  }
  const std::vector<Json> lines = sim.RecordLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["text"], "last words");
  EXPECT_NE(sim.Log().find("stopped"), std::string::npos);
}

}  // namespace
}  // namespace deliverer::integration
