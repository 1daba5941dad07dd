#pragma once
// Parts of a producer's concatenated submit (docs/smpp-server.md "Long messages"), as the
// store keeps them until their message is whole: store::InboundPart with a key of
// store::kProducerPartsPrefix + system_id, the producer's addresses, the reference and the
// total. Pure, thread-safe.
//
// A part's stored text is its envelope: the id every part of the set answered with, who
// sent it (account and credential), its data_coding and registered_delivery, and its user
// data as received. The text is decoded once the set is whole, from the parts' octets
// joined, so a character split between two parts (a UCS-2 surrogate pair, a GSM-7
// escape) survives.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/delivery_records.h"

namespace deliverer::smppd {

struct PartEnvelope {
  std::string message_id;  // of the whole message, answered to every part
  std::string account;
  std::string key_id;      // the SMPP credential's public id
  uint8_t data_coding = 0;
  uint8_t registered_delivery = 0;
  bool high_priority = false;
  std::vector<uint8_t> user_data;

  bool operator==(const PartEnvelope&) const = default;
};

std::string PackPart(const PartEnvelope& envelope);
// nullopt for a text PackPart did not write (a damaged row, a body whose key is gone).
std::optional<PartEnvelope> UnpackPart(std::string_view text);

// The store key of a part's set.
store::InboundPartsKey PartsKey(std::string_view system_id, const std::string& from, const std::string& to,
                                uint16_t reference, int total);
// The system_id a producer's parts key names.
std::string SystemIdOf(const store::InboundPartsKey& key);

// Whether `parts` (one per sequence, as the store returns them) are the whole set.
bool IsComplete(const std::vector<store::InboundPart>& parts);

// The set's text from its parts in sequence order: their user data joined and decoded with
// the first part's data_coding (or, should the parts disagree, each decoded on its own).
// Errors: those of DecodeText, and "invalid_field" for a part that does not unpack.
Result<std::string> JoinedText(const std::vector<store::InboundPart>& parts);

}  // namespace deliverer::smppd
