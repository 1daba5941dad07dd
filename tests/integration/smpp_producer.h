#pragma once
// What the SMPP server's integration tests share (docs/smpp-server.md): a gateway with
// [smpp_server] on a free port, SMPP credentials made with the CLI, and a producer's raw
// SMPP client (sim_client.h) that binds, submits and collects receipts.
#include <optional>
#include <string>
#include <vector>

#include "integration/harness.h"
#include "integration/sim_client.h"

namespace deliverer::integration {

// [smpp_server] on a free port, then `extra` (TOML tables).
std::string SmppServerToml(const std::string& extra = "");
// The SMPP server's port, from its `SMPP server for producers listening on` log line
// (waiting for it); 0 when it never came.
uint16_t SmppServerPort(const DelivererProcess& server);
// `deliverer keys create --smpp-system-id`: the password on its last line. Throws
// std::runtime_error when the command fails.
std::string CreateSmppCredential(const DelivererProcess& server, const std::string& account,
                                 const std::string& system_id, const std::string& scopes = kSendRead);

// `deliverer keys rotate KEY_ID --grace GRACE` of an SMPP credential: the new password on its
// last line. Throws std::runtime_error when the command fails.
std::string RotateSmppCredential(const DelivererProcess& server, const std::string& key_id, const std::string& grace);

// A submit_sm from "Deliverer" (alphanumeric) to +442071838750 (TON 1, no '+'), asking for a
// receipt, carrying `short_message` as given.
smpp::SubmitSm ProducerSubmit(std::vector<uint8_t> short_message, uint8_t data_coding = 0, uint8_t esm_class = 0);
// Text as unpacked GSM-7 septets (data_coding 0), the way producers send the default alphabet.
std::vector<uint8_t> Septets(const std::string& ascii);

// Sends and returns the submit_sm_resp (nullopt, after a test failure, when none came).
std::optional<smpp::Pdu> SubmitAndAnswer(SmppClient& client, const smpp::SubmitSm& submit);

// Reads PDUs until a receipt deliver_sm for `message_id` comes (answering every
// deliver_sm ESME_ROK); nullopt, after a test failure, when the connection ends or stays
// silent for 60 s.
std::optional<smpp::DeliverSm> AwaitReceipt(SmppClient& client, const std::string& message_id);

}  // namespace deliverer::integration
