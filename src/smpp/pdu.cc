#include "smpp/pdu.h"

#include <algorithm>

namespace deliverer::smpp {
namespace {

constexpr size_t kMaxShortMessage = 254;
constexpr size_t kMaxTlvValue = 0xFFFF;

// Checks each field against its FieldSpec; stops at the first problem.
class Validator {
 public:
  void operator()(const CString& value, const FieldSpec& spec) {
    if (value.find('\0') != std::string::npos) return Fail(spec, "contains a NUL octet");
    if (value.size() + 1 > spec.max_octets) return Fail(spec, "longer than its maximum");
  }
  void operator()(const OptCString& value, const FieldSpec& spec) {
    if (value) return (*this)(*value, spec);
    absent_optional_ = true;
  }
  void operator()(const Octet&, const FieldSpec&) {}
  void operator()(const ShortMessage& value, const FieldSpec& spec) {
    if (value.size() > kMaxShortMessage) Fail(spec, "longer than 254 octets");
  }
  void operator()(const TlvList& tlvs, const FieldSpec& spec) {
    if (absent_optional_ && !tlvs.empty()) return Fail(spec, "TLVs after an absent string");
    for (const Tlv& tlv : tlvs.entries()) {
      if (tlv.value.size() > kMaxTlvValue) return Fail(spec, "a TLV value over 65535 octets");
    }
  }

  Status result() const { return status_; }

 private:
  void Fail(const FieldSpec& spec, std::string_view why) {
    if (!status_.ok()) return;
    status_ = Error::Of("invalid_pdu", std::string(spec.name) + " " + std::string(why),
                        std::string(spec.name));
  }

  Status status_;
  bool absent_optional_ = false;
};

}  // namespace

uint32_t Pdu::command_id() const { return CommandIdOf(body); }

uint32_t CommandIdOf(const Body& body) {
  return std::visit([](const auto& b) { return std::decay_t<decltype(b)>::kCommandId; }, body);
}

Pdu MakePdu(Body body, uint32_t sequence_number, uint32_t command_status) {
  Pdu pdu{Header{0, CommandIdOf(body), command_status, sequence_number}, std::move(body)};
  return pdu;
}

Pdu MakeGenericNack(uint32_t sequence_number, uint32_t command_status) {
  return MakePdu(GenericNack{}, sequence_number, command_status);
}

std::string_view CommandName(uint32_t command_id) {
  switch (command_id) {
#define DELIVERER_SMPP_NAME_CASE(Type, wire_name, id, FIELDS) \
  case id:                                                    \
    return wire_name;
    DELIVERER_SMPP_COMMANDS(DELIVERER_SMPP_NAME_CASE)
#undef DELIVERER_SMPP_NAME_CASE
    default:
      return "";
  }
}

bool IsKnownCommandId(uint32_t command_id) { return !CommandName(command_id).empty(); }

uint32_t NextSequenceNumber(uint32_t current) {
  if (current >= kMaxSequenceNumber) return 1;
  return current + 1;
}

Status Validate(const Pdu& pdu) {
  Validator validator;
  std::visit([&](const auto& body) { body.VisitFields(body, validator); }, pdu.body);
  return validator.result();
}

}  // namespace deliverer::smpp
