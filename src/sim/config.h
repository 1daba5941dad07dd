#pragma once
// The simulator's run-time-changeable behaviour (docs/simulator.md "Configuration"). A plain
// value type; the defaults are a perfect carrier.
//
// JSON: ToJson gives every field; MergeConfig applies a partial JSON object onto a config
// (objects merge key by key, arrays and scalars replace) and rejects any key ToJson does
// not produce, naming it by its dotted path ("receipts.delay_ms_max"). Status codes read
// as integers or as "0x58" strings and are written as integers. Pure, thread-compatible.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace deliverer::sim {

struct AuthConfig {
  std::string system_id;  // empty: any system_id binds
  std::string password;   // empty: any password

  bool operator==(const AuthConfig&) const = default;
};

struct SubmitConfig {
  double transient_rate = 0;  // 0..1: answered with one of transient_codes
  std::vector<uint32_t> transient_codes = {0x58, 0x14, 0x08};
  double permanent_rate = 0;  // 0..1: answered with permanent_code
  uint32_t permanent_code = 0x0B;
  uint32_t latency_ms = 0;         // before every answer to submit_sm
  uint32_t latency_jitter_ms = 0;  // plus uniformly 0..jitter
  double max_tps = 0;              // over all binds; 0 = unlimited; above it: 0x58

  bool operator==(const SubmitConfig&) const = default;
};

// The stat: values a receipt can carry, in the order of their weights.
inline constexpr std::array<std::string_view, 8> kReceiptStats = {
    "DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "DELETED", "UNKNOWN", "ACCEPTD", "ENROUTE"};
using OutcomeWeights = std::array<double, kReceiptStats.size()>;

// How the id in a receipt is written, compared with the one in submit_sm_resp (upper-case hex).
enum class IdForm : uint8_t { kSame, kDecimal, kLower, kLeadingZeros };
std::string_view ToString(IdForm form);
std::optional<IdForm> ParseIdForm(std::string_view text);

struct ReceiptsConfig {
  bool enabled = true;  // only for submits with registered_delivery & 0x01
  uint32_t delay_ms_min = 0;
  uint32_t delay_ms_max = 0;
  OutcomeWeights outcomes = {1, 0, 0, 0, 0, 0, 0, 0};  // DELIVRD only
  double duplicate_rate = 0;  // the receipt is sent twice
  double drop_rate = 0;       // the receipt is never sent
  double early_rate = 0;      // the receipt goes out before the submit_sm_resp
  IdForm id_form = IdForm::kSame;
  uint32_t max_resends = 10;  // after a nack or a missing deliver_sm_resp

  bool operator==(const ReceiptsConfig&) const = default;
};

// Seconds after Simulator::Start.
struct Outage {
  double start_s = 0;
  double duration_s = 0;

  bool operator==(const Outage&) const = default;
};

struct FaultsConfig {
  double disconnect_every_s = 0;       // each connection is dropped this long after it bound
  uint32_t disconnect_after_pdus = 0;  // per connection, counting PDUs received
  bool cut_pdu = false;                // when dropping, first write half of a PDU
  bool black_hole = false;             // read everything, answer nothing
  bool refuse_binds = false;
  uint32_t bind_refuse_status = 0x0D;
  std::vector<Outage> outages;  // binds refused and connections dropped while one lasts

  bool operator==(const FaultsConfig&) const = default;
};

// The HTTP carrier (docs/simulator.md "HTTP carrier"): who may submit, and where its
// receipts and MO go. URLs are empty or parse with validation::ParseUrl; tokens are printable
// ASCII without spaces, so they fit in a header as they are.
struct HttpConfig {
  std::string token;        // POST /send needs "Authorization: Bearer <token>"; empty: no check
  std::string dlr_url;      // receipts of HTTP submits go here; empty: they are not sent
  std::string dlr_token;    // X-Carrier-Token on receipts and MO posts; empty: no header
  std::string inbound_url;  // MO injected with "via":"http" goes here
  uint32_t dlr_connections = 4;  // kept-alive connections to dlr_url, 1 to 64

  bool operator==(const HttpConfig&) const = default;
};

// Written in place of a set secret by ToJson(config, Secrets::kMask); merged back, it keeps
// the current value, so a GET /config can be edited and PATCHed back.
inline constexpr std::string_view kMaskedSecret = "***";

struct SimConfig {
  AuthConfig auth;
  SubmitConfig submit;
  ReceiptsConfig receipts;
  FaultsConfig faults;
  HttpConfig http;

  bool operator==(const SimConfig&) const = default;
};

enum class Secrets : uint8_t { kShow, kMask };

// Every field; with Secrets::kMask the http tokens read kMaskedSecret when set.
nlohmann::json ToJson(const SimConfig& config, Secrets secrets = Secrets::kShow);

// `patch` merged onto `base`; a secret given as kMaskedSecret keeps its value. Errors:
// code "unknown_key" or "invalid_value", with the dotted path of the key in Error::field
// and a sentence in Error::detail.
Result<SimConfig> MergeConfig(const SimConfig& base, const nlohmann::json& patch);

// Whether `t` (seconds since start) falls inside one of the outages.
bool InOutage(const FaultsConfig& faults, double t);

}  // namespace deliverer::sim
