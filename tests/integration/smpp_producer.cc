#include "integration/smpp_producer.h"

#include <regex>
#include <stdexcept>

namespace deliverer::integration {

std::string SmppServerToml(const std::string& extra) {
  return "[smpp_server]\nlisten = \"127.0.0.1:0\"\n" + extra;
}

uint16_t SmppServerPort(const DelivererProcess& server) {
  if (!server.WaitForLog("SMPP server for producers listening on")) return 0;
  static const std::regex kLine(R"(SMPP server for producers listening on [0-9.]+:([0-9]+))");
  const std::string log = server.Log();
  uint16_t port = 0;
  // The latest start's line: a restarted server listens on another port.
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine); it != std::sregex_iterator(); ++it) {
    port = static_cast<uint16_t>(std::stoi((*it)[1]));
  }
  return port;
}

namespace {

std::string LastLine(std::string out) {
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

}  // namespace

std::string RotateSmppCredential(const DelivererProcess& server, const std::string& key_id, const std::string& grace) {
  CommandResult r = RunDeliverer({"keys", "rotate", key_id, "--grace", grace, "--config", server.ConfigPath()});
  if (r.exit_code != 0) throw std::runtime_error("keys rotate failed: " + r.Output());
  return LastLine(r.out);
}

std::string CreateSmppCredential(const DelivererProcess& server, const std::string& account,
                                 const std::string& system_id, const std::string& scopes) {
  CommandResult r = RunDeliverer({"keys", "create", "--config", server.ConfigPath(), "--account", account,
                                  "--scopes", scopes, "--smpp-system-id", system_id});
  if (r.exit_code != 0) throw std::runtime_error("keys create failed: " + r.Output());
  return LastLine(r.out);
}

smpp::SubmitSm ProducerSubmit(std::vector<uint8_t> short_message, uint8_t data_coding, uint8_t esm_class) {
  smpp::SubmitSm s;
  s.source_addr_ton = 5;
  s.source_addr = "Deliverer";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "442071838750";
  s.registered_delivery = 1;
  s.data_coding = data_coding;
  s.esm_class = esm_class;
  s.short_message = std::move(short_message);
  return s;
}

std::vector<uint8_t> Septets(const std::string& ascii) { return std::vector<uint8_t>(ascii.begin(), ascii.end()); }

std::optional<smpp::Pdu> SubmitAndAnswer(SmppClient& client, const smpp::SubmitSm& submit) {
  const uint32_t seq = client.Send(submit);
  return Expect<smpp::SubmitSmResp>(client, seq);
}

std::optional<smpp::DeliverSm> AwaitReceipt(SmppClient& client, const std::string& message_id) {
  for (;;) {
    auto pdu = client.NextPdu(std::chrono::seconds(60));
    if (!pdu) {
      ADD_FAILURE() << "no receipt for " << message_id;
      return std::nullopt;
    }
    if (!std::holds_alternative<smpp::DeliverSm>(pdu->body)) continue;
    client.AnswerDeliver(*pdu, 0);
    const smpp::DeliverSm& d = Deliver(*pdu);
    if (smpp::GetReceiptedMessageId(d.tlvs) == message_id) return d;
  }
}

}  // namespace deliverer::integration
