// The SMPP server for producers (docs/smpp-server.md) end to end: the real `deliverer serve`
// with [smpp_server], a producer on a raw SMPP client, the simulator as the carrier.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"
#include "integration/smpp_producer.h"
#include "smpp/status.h"
#include "text/text.h"

namespace deliverer::integration {
namespace {

// The simulator's submits to `destination` (no '+'), their texts joined in part order.
std::string TextSentTo(const SimProcess& sim, const std::string& destination) {
  std::vector<std::pair<int, std::string>> parts;
  for (const Json& line : sim.RecordLines()) {
    if (StringField(line, "destination") != destination) continue;
    const int part = line["udh"].is_object() ? line["udh"]["part"].get<int>() : 1;
    parts.emplace_back(part, StringField(line, "text"));
  }
  std::sort(parts.begin(), parts.end());
  std::string text;
  for (const auto& [part, piece] : parts) text += piece;
  return text;
}

std::string Receipt(const smpp::DeliverSm& d) { return std::string(d.short_message.begin(), d.short_message.end()); }

class SmppServerTest : public ::testing::Test {
 protected:
  SmppServerTest() : server_(SmppServerToml() + kFastDelivery, OneCarrier(sim_.SmppPort())) {}

  // A transceiver bound as esme1 of account acme.
  std::unique_ptr<SmppClient> Bound(const std::string& system_id = "esme1") {
    if (!passwords_.contains(system_id)) passwords_[system_id] = CreateSmppCredential(server_, "acme", system_id);
    auto client = std::make_unique<SmppClient>(SmppServerPort(server_));
    EXPECT_EQ(client->BindTransceiver(system_id, passwords_[system_id]), 0u);
    return client;
  }
  // Every part answered ESME_ROK with one id, which it returns.
  std::string SubmitParts(SmppClient& client, const std::vector<smpp::SubmitSm>& parts) {
    std::set<std::string> ids;
    for (const smpp::SubmitSm& part : parts) {
      auto resp = SubmitAndAnswer(client, part);
      if (!resp) return "";
      EXPECT_EQ(resp->header.command_status, 0u) << smpp::DescribeStatus(resp->header.command_status);
      ids.insert(SubmitResp(*resp).message_id.value_or(""));
    }
    EXPECT_EQ(ids.size(), 1u) << "every part answers with the whole message's id";
    return *ids.begin();
  }

  SimProcess sim_;
  DelivererProcess server_;
  std::map<std::string, std::string> passwords_;
};

TEST_F(SmppServerTest, ASubmitIsDeliveredAndItsReceiptComesBackOnTheBind) {
  auto producer = Bound();
  auto resp = SubmitAndAnswer(*producer, ProducerSubmit(Septets("Hello over SMPP")));
  ASSERT_TRUE(resp.has_value());
  ASSERT_EQ(resp->header.command_status, 0u);
  const std::string id = SubmitResp(*resp).message_id.value_or("");
  EXPECT_TRUE(IsUuid(id, 7)) << id;

  auto receipt = AwaitReceipt(*producer, id);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_EQ(receipt->esm_class, 0x04);
  EXPECT_NE(Receipt(*receipt).find("id:" + id + " "), std::string::npos) << Receipt(*receipt);
  EXPECT_NE(Receipt(*receipt).find("stat:DELIVRD err:000 text:Hello over SMPP"), std::string::npos)
      << Receipt(*receipt);
  EXPECT_EQ(smpp::GetMessageState(receipt->tlvs), 2);
  EXPECT_EQ(receipt->source_addr, "442071838750");
  EXPECT_EQ(receipt->destination_addr, "Deliverer");
  EXPECT_EQ(TextSentTo(sim_, "442071838750"), "Hello over SMPP");

  // The same message over the HTTP API: the account's, delivered.
  const std::string key = server_.CreateKey("acme", kSendRead);
  const Json message = Fetch(server_, key, id);
  EXPECT_EQ(StringField(message, "status"), "delivered");
  EXPECT_EQ(StringField(message, "to"), "+442071838750");
}

TEST_F(SmppServerTest, LongMessagesInEveryFormArriveWhole) {
  auto producer = Bound();
  const std::string a(150, 'a'), b(90, 'b');
  struct Form {
    std::string name;
    std::string destination;
    std::vector<smpp::SubmitSm> parts;
    std::string text;
  };
  std::vector<Form> forms;
  auto part = [](std::string destination, std::vector<uint8_t> data, uint8_t dc = 0, uint8_t esm = 0x40) {
    smpp::SubmitSm s = ProducerSubmit(std::move(data), dc, esm);
    s.destination_addr = std::move(destination);
    return s;
  };
  auto with_udh = [](std::vector<uint8_t> udh, const std::string& text) {
    udh.insert(udh.end(), text.begin(), text.end());
    return udh;
  };
  forms.push_back({"udh 8-bit", "447911130001",
                   {part("447911130001", with_udh({0x05, 0x00, 0x03, 0xF1, 0x02, 0x01}, a)),
                    part("447911130001", with_udh({0x05, 0x00, 0x03, 0xF1, 0x02, 0x02}, b))},
                   a + b});
  // Out of order: the second part first.
  forms.push_back({"udh 16-bit", "447911130002",
                   {part("447911130002", with_udh({0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02}, b)),
                    part("447911130002", with_udh({0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01}, a))},
                   a + b});
  smpp::SubmitSm sar1 = part("447911130003", Septets(a), 0, 0);
  smpp::SubmitSm sar2 = part("447911130003", Septets(b), 0, 0);
  uint8_t seq = 0;
  for (smpp::SubmitSm* sm : {&sar1, &sar2}) {
    smpp::AddSarMsgRefNum(sm->tlvs, uint16_t{4242});
    smpp::AddSarTotalSegments(sm->tlvs, uint8_t{2});
    smpp::AddSarSegmentSeqnum(sm->tlvs, ++seq);
  }
  forms.push_back({"sar", "447911130003", {sar1, sar2}, a + b});
  smpp::SubmitSm payload = part("447911130004", {}, 0, 0);
  smpp::AddMessagePayload(payload.tlvs, Septets(a + b));
  forms.push_back({"message_payload", "447911130004", {payload}, a + b});
  // UCS-2, a surrogate pair split between the parts.
  const std::vector<uint8_t> ucs2_1 = {0x05, 0x00, 0x03, 0x07, 0x02, 0x01, 0x04, 0x1F, 0x04, 0x40, 0xD8, 0x3D};
  const std::vector<uint8_t> ucs2_2 = {0x05, 0x00, 0x03, 0x07, 0x02, 0x02, 0xDE, 0x00, 0x04, 0x38};
  forms.push_back({"ucs-2", "447911130005",
                   {part("447911130005", ucs2_1, 0x08), part("447911130005", ucs2_2, 0x08)},
                   "Пр😀и"});

  for (const Form& form : forms) {
    SCOPED_TRACE(form.name);
    const std::string id = SubmitParts(*producer, form.parts);
    ASSERT_FALSE(id.empty());
    auto receipt = AwaitReceipt(*producer, id);
    ASSERT_TRUE(receipt.has_value());
    EXPECT_NE(Receipt(*receipt).find("stat:DELIVRD"), std::string::npos) << Receipt(*receipt);
    EXPECT_EQ(TextSentTo(sim_, form.destination), form.text);
  }
}

// docs/smpp-server.md "Sending again": the deliverer_message_id TLV is the producer's
// idempotency key, as message_id is for POST /v1/messages.
TEST_F(SmppServerTest, ASubmitSentAgainUnderItsIdIsOneMessage) {
  auto producer = Bound();
  const std::string id = "0193a4c2-5f00-7000-8000-00000000abcd";
  auto under = [](const std::string& message_id, const std::string& text, const std::string& destination) {
    smpp::SubmitSm sm = ProducerSubmit(Septets(text));
    sm.destination_addr = destination;
    smpp::AddDelivererMessageId(sm.tlvs, message_id);
    return sm;
  };
  auto first = SubmitAndAnswer(*producer, under(id, "Once only", "447911140001"));
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->header.command_status, 0u) << smpp::DescribeStatus(first->header.command_status);
  EXPECT_EQ(SubmitResp(*first).message_id, id);
  // Sent again, the id in capitals as UUIDs may be: the same message, answered again.
  std::string upper = id;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  auto again = SubmitAndAnswer(*producer, under(upper, "Once only", "447911140001"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->header.command_status, 0u) << smpp::DescribeStatus(again->header.command_status);
  EXPECT_EQ(SubmitResp(*again).message_id, id);
  auto other = SubmitAndAnswer(*producer, under(id, "Another text", "447911140001"));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->header.command_status, smpp::kEsmeRSubmitFail) << "the id names another message";
  auto invalid = SubmitAndAnswer(*producer, under("order-991", "Once only", "447911140001"));
  ASSERT_TRUE(invalid.has_value());
  EXPECT_EQ(invalid->header.command_status, smpp::kEsmeRInvOptParamVal);

  ASSERT_TRUE(AwaitReceipt(*producer, id).has_value());
  EXPECT_EQ(TextSentTo(sim_, "447911140001"), "Once only") << "delivered once";

  // A long message's parts under one id, the last part sent again after the message was
  // made: answered with the message's id, and nothing kept waiting for a set.
  const std::string long_id = "0193a4c2-5f00-7000-8000-00000000abce";
  const std::string a(150, 'a'), b(90, 'b');
  auto part = [&](uint8_t sequence, const std::string& text) {
    std::vector<uint8_t> data = {0x05, 0x00, 0x03, 0x5A, 0x02, sequence};
    data.insert(data.end(), text.begin(), text.end());
    smpp::SubmitSm sm = ProducerSubmit(std::move(data), 0, 0x40);
    sm.destination_addr = "447911140002";
    smpp::AddDelivererMessageId(sm.tlvs, long_id);
    return sm;
  };
  EXPECT_EQ(SubmitParts(*producer, {part(1, a), part(2, b)}), long_id);
  auto resent = SubmitAndAnswer(*producer, part(2, b));
  ASSERT_TRUE(resent.has_value());
  EXPECT_EQ(resent->header.command_status, 0u) << smpp::DescribeStatus(resent->header.command_status);
  EXPECT_EQ(SubmitResp(*resent).message_id, long_id);
  EXPECT_EQ(Metric(server_, "deliverer_smpp_server_part_sets"), 0) << "the part sent again starts no set";
  ASSERT_TRUE(AwaitReceipt(*producer, long_id).has_value());
  EXPECT_EQ(TextSentTo(sim_, "447911140002"), a + b);

  // The id taken by another message while a set waits: the set is refused whole, and
  // its parts end as a rejected message of its own (the producer's receipt says so).
  const std::string taken_id = "0193a4c2-5f00-7000-8000-00000000abcf";
  auto taken_part = [&](uint8_t sequence, const std::string& text) {
    smpp::SubmitSm sm = part(sequence, text);
    sm.tlvs = {};
    smpp::AddDelivererMessageId(sm.tlvs, taken_id);
    sm.short_message[3] = 0x5B;
    return sm;
  };
  EXPECT_EQ(SubmitAndAnswer(*producer, taken_part(1, a))->header.command_status, 0u);
  EXPECT_EQ(SubmitAndAnswer(*producer, under(taken_id, "Taken", "447911140002"))->header.command_status, 0u);
  EXPECT_EQ(SubmitAndAnswer(*producer, taken_part(2, b))->header.command_status, smpp::kEsmeRSubmitFail);
  EXPECT_EQ(Metric(server_, "deliverer_smpp_server_part_sets"), 0);
  EXPECT_EQ(Metric(server_, "deliverer_smpp_server_part_sets_rejected_total", {"code=\"idempotency_conflict\""}), 1);
}

TEST_F(SmppServerTest, AReceiptWaitsForTheProducerToBindAgain) {
  std::string id;
  {
    auto producer = Bound();
    // Receipts of failures only, and the message fails: a receipt is due.
    ASSERT_EQ(sim_.Patch("/config", {{"submit", {{"permanent_rate", 1.0}}}}).status, 200);
    smpp::SubmitSm submit = ProducerSubmit(Septets("fails at the carrier"));
    submit.registered_delivery = 2;
    auto resp = SubmitAndAnswer(*producer, submit);
    ASSERT_TRUE(resp.has_value());
    ASSERT_EQ(resp->header.command_status, 0u);
    id = SubmitResp(*resp).message_id.value_or("");
    producer->Send(smpp::Unbind{});
    EXPECT_TRUE(producer->WaitClosed());
  }
  const std::string key = server_.CreateKey("acme", kSendRead);
  const Json final = AwaitFinal(server_, key, id);
  EXPECT_EQ(StringField(final, "status"), "failed");

  // A receiver bind of the same system_id gets it.
  SmppClient receiver(SmppServerPort(server_));
  ASSERT_EQ(receiver.BindReceiver("esme1", passwords_["esme1"]), 0u);
  auto receipt = AwaitReceipt(receiver, id);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_NE(Receipt(*receipt).find("stat:UNDELIV"), std::string::npos) << Receipt(*receipt);
  EXPECT_EQ(smpp::GetMessageState(receipt->tlvs), 5);
}

TEST_F(SmppServerTest, AWrongPasswordIsRefusedAndAudited) {
  CreateSmppCredential(server_, "acme", "esme9");
  SmppClient producer(SmppServerPort(server_));
  EXPECT_EQ(producer.BindTransmitter("esme9", "wrongpw"), smpp::kEsmeRInvPaswd);
  EXPECT_TRUE(producer.WaitClosed());
  SmppClient unknown(SmppServerPort(server_));
  EXPECT_EQ(unknown.BindTransmitter("nobody", "whatever"), smpp::kEsmeRInvPaswd) << "unknown ids look the same";

  const std::string admin = server_.CreateKey("ops", "admin");
  HttpResponse audit = server_.Get("/v1/admin/audit?action=smpp.bind_refused", admin);
  ASSERT_TRUE(HasStatus(audit, 200));
  std::vector<std::string> targets;
  for (const Json& entry : audit.json["data"]) targets.push_back(StringField(entry, "target"));
  EXPECT_EQ(targets, (std::vector<std::string>{"esme9", "nobody"}));
  EXPECT_EQ(server_.Log().find("wrongpw"), std::string::npos) << "passwords are never logged";
  EXPECT_EQ(Metric(server_, "deliverer_smpp_server_binds_refused_total", {"reason=\"credentials\""}), 2);
}

TEST_F(SmppServerTest, AnSmppCredentialIsListedRotatedAndRevokedLikeAnApiKey) {
  const std::string password = CreateSmppCredential(server_, "acme", "esme5");
  EXPECT_EQ(password.size(), 8u) << "SMPP 3.4 passwords hold 8 characters";
  std::string key_id;
  std::istringstream list(server_.ListKeys());
  for (std::string line; std::getline(list, line);) {
    if (line.ends_with("\tsmpp:esme5")) key_id = line.substr(0, line.find('\t'));
  }
  ASSERT_TRUE(key_id.starts_with("dlv_")) << server_.ListKeys();
  // A rotation: a new password for the same system_id; the old one works through the grace.
  const std::string rotated = RotateSmppCredential(server_, key_id, "1h");
  EXPECT_EQ(rotated.size(), 8u);
  EXPECT_NE(rotated, password);
  for (const std::string& pw : {password, rotated}) {
    SmppClient producer(SmppServerPort(server_));
    EXPECT_EQ(producer.BindTransceiver("esme5", pw), 0u);
  }
  server_.RevokeKey(key_id);
  // Revocation is read at each bind.
  SmppClient producer(SmppServerPort(server_));
  EXPECT_EQ(producer.BindTransceiver("esme5", password), smpp::kEsmeRInvPaswd);
  SmppClient replacement(SmppServerPort(server_));
  EXPECT_EQ(replacement.BindTransceiver("esme5", rotated), 0u) << "the replacement is another credential";
}

TEST(SmppServerInbound, AnMoToTheAccountsNumberComesAsDeliverSmOnItsReceiverBind) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml() + "[[numbers]]\nnumber = \"+447700900123\"\naccount = \"acme\"\n",
                          OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "esme1");
  // Queued while the producer is away: it binds only after the MO was recorded.
  ASSERT_EQ(sim.Post("/mo", {{"from", kTo}, {"to", "+447700900123"}, {"text", "Grüße from the handset"}}).status, 200);
  const std::string admin = server.CreateKey("ops", "admin");
  ASSERT_TRUE(WaitFor([&] {
    HttpResponse r = server.Get("/v1/admin/inbound", admin);
    return r.status == 200 && r.json["data"].size() == 1;
  }, Millis(15'000)));

  SmppClient receiver(SmppServerPort(server));
  ASSERT_EQ(receiver.BindReceiver("esme1", password), 0u);
  auto pdu = receiver.NextPdu(std::chrono::seconds(30));
  ASSERT_TRUE(pdu.has_value());
  ASSERT_TRUE(std::holds_alternative<smpp::DeliverSm>(pdu->body));
  const smpp::DeliverSm& mo = Deliver(*pdu);
  EXPECT_EQ(mo.esm_class, 0);
  EXPECT_EQ(mo.source_addr, "442071838750");
  EXPECT_EQ(mo.destination_addr, "447700900123");
  EXPECT_EQ(mo.data_coding, 0x08);
  EXPECT_EQ(text::DecodeUcs2(mo.short_message), "Grüße from the handset");
  receiver.AnswerDeliver(*pdu, 0);
  EXPECT_TRUE(WaitFor([&] { return Metric(server, "deliverer_smpp_server_deliveries_total", {"outcome=\"delivered\""}) == 1; },
                      Millis(15'000)));
}

TEST(SmppServerLimits, AProducerOverItsRateIsThrottled) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml() + "[rate_limits]\nper_key_rps = 1\nper_key_burst = 2\n",
                          OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "esme1");
  SmppClient producer(SmppServerPort(server));
  ASSERT_EQ(producer.BindTransmitter("esme1", password), 0u);
  std::vector<uint32_t> statuses;
  for (int i = 0; i < 4; ++i) {
    auto resp = SubmitAndAnswer(producer, ProducerSubmit(Septets("burst " + std::to_string(i))));
    ASSERT_TRUE(resp.has_value());
    statuses.push_back(resp->header.command_status);
  }
  EXPECT_EQ(statuses[0], 0u);
  EXPECT_EQ(statuses[1], 0u);
  EXPECT_EQ(statuses[3], smpp::kEsmeRThrottled) << "past the burst: 0x58";
  EXPECT_GE(Metric(server, "deliverer_smpp_server_submits_total", {"status=\"ESME_RTHROTTLED\""}), 1);
}

TEST(SmppServerLimits, RefusalsCarryTheirSmppStatus) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml(), OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "esme1");
  SmppClient producer(SmppServerPort(server));
  ASSERT_EQ(producer.BindTransceiver("esme1", password), 0u);
  smpp::SubmitSm bad_destination = ProducerSubmit(Septets("x"));
  bad_destination.destination_addr = "123";
  EXPECT_EQ(SubmitAndAnswer(producer, bad_destination)->header.command_status, smpp::kEsmeRInvDstAdr);
  EXPECT_EQ(SubmitAndAnswer(producer, ProducerSubmit({0x01, 0x02}, 0x04))->header.command_status, 0x104u)
      << "binary is refused";
  const std::string key = server.CreateKey("acme", "messages:send,messages:read,suppressions:write");
  ASSERT_TRUE(HasStatus(server.Put("/v1/suppressions/%2B442071838750", {{"reason", "asked"}}, key), 200));
  EXPECT_EQ(SubmitAndAnswer(producer, ProducerSubmit(Septets("y")))->header.command_status, smpp::kEsmeRSubmitFail)
      << "opted out";
}

TEST(SmppServerDurability, KillNineAfterTheAnswerLosesNothing) {
  SimProcess sim;
  ASSERT_EQ(sim.Patch("/config", {{"faults", {{"refuse_binds", true}}}}).status, 200);
  DelivererProcess server(SmppServerToml() + kFastDelivery,
                          OneCarrier(sim.SmppPort(), "reconnect_min_ms = 50\nreconnect_max_ms = 200"));
  const std::string password = CreateSmppCredential(server, "acme", "esme1");
  std::string id;
  {
    SmppClient producer(SmppServerPort(server));
    ASSERT_EQ(producer.BindTransceiver("esme1", password), 0u);
    auto resp = SubmitAndAnswer(producer, ProducerSubmit(Septets("survives kill -9")));
    ASSERT_TRUE(resp.has_value());
    ASSERT_EQ(resp->header.command_status, 0u);
    id = SubmitResp(*resp).message_id.value_or("");
  }
  server.Kill9();  // the carrier never had it
  ASSERT_EQ(sim.Patch("/config", {{"faults", {{"refuse_binds", false}}}}).status, 200);
  server.Restart();

  SmppClient producer(SmppServerPort(server));
  ASSERT_EQ(producer.BindTransceiver("esme1", password), 0u);
  auto receipt = AwaitReceipt(producer, id);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_NE(Receipt(*receipt).find("stat:DELIVRD"), std::string::npos);
  EXPECT_EQ(TextSentTo(sim, "442071838750"), "survives kill -9");
}

TEST(SmppServerDurability, PartsWaitAcrossARestartAndAnIncompleteSetIsRejectedWithAReceipt) {
  SimProcess sim;
  DelivererProcess server(SmppServerToml("parts_timeout_s = 2\n") + kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string password = CreateSmppCredential(server, "acme", "esme1");
  std::string whole_id, broken_id;
  const std::string a(150, 'a');
  auto udh_part = [&](uint8_t ref, uint8_t seq, const std::string& destination) {
    std::vector<uint8_t> data = {0x05, 0x00, 0x03, ref, 0x02, seq};
    data.insert(data.end(), a.begin(), a.end());
    smpp::SubmitSm s = ProducerSubmit(data, 0, 0x40);
    s.destination_addr = destination;
    return s;
  };
  {
    SmppClient producer(SmppServerPort(server));
    ASSERT_EQ(producer.BindTransceiver("esme1", password), 0u);
    whole_id = SubmitResp(*SubmitAndAnswer(producer, udh_part(9, 1, "447911130011"))).message_id.value_or("");
    broken_id = SubmitResp(*SubmitAndAnswer(producer, udh_part(10, 1, "447911130012"))).message_id.value_or("");
  }
  server.Kill9();
  server.Restart();
  SmppClient producer(SmppServerPort(server));
  ASSERT_EQ(producer.BindTransceiver("esme1", password), 0u);
  auto last = SubmitAndAnswer(producer, udh_part(9, 2, "447911130011"));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->header.command_status, 0u);
  EXPECT_EQ(SubmitResp(*last).message_id, whole_id) << "the id its first part got before the restart";
  auto delivered = AwaitReceipt(producer, whole_id);
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(TextSentTo(sim, "447911130011"), a + a);

  // The other set never completes: it ends rejected, and its receipt says so.
  auto rejected = AwaitReceipt(producer, broken_id);
  ASSERT_TRUE(rejected.has_value());
  EXPECT_NE(Receipt(*rejected).find("stat:REJECTD"), std::string::npos) << Receipt(*rejected);
  const std::string key = server.CreateKey("acme", kSendRead);
  const Json message = Fetch(server, key, broken_id);
  EXPECT_EQ(StringField(message, "status"), "rejected");
  EXPECT_EQ(StringField(message["error"], "code"), "parts_incomplete");
}

}  // namespace
}  // namespace deliverer::integration
