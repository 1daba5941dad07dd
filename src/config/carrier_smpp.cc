// The SMPP keys of a [[carriers]] table: bind, TLS, timers, addressing, status handling,
// receipt id matching (docs/smpp-mapping.md "The session", "Carrier id matching"). They are
// rejected on http carriers so a misplaced key is not silently ignored.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "config/sections.h"

namespace deliverer::config::internal {
namespace {

constexpr size_t kMaxSystemTypeLength = 12;  // SMPP 3.4: C-Octet String of at most 13
constexpr int64_t kMaxTon = 6;               // SMPP 3.4 5.2.5: 0 … 6 are defined
constexpr int64_t kMaxNpi = 18;              // SMPP 3.4 5.2.6: the largest defined is 18
constexpr int64_t kMaxBackoffMs = 3'600'000;

constexpr std::string_view kSmppOnlyKeys[] = {
    "bind_mode",        "system_type",        "tls",
    "enquire_link_s",   "max_pdu_bytes",      "source_ton",
    "source_npi",       "dest_ton",           "dest_npi",
    "status_overrides", "unknown_status",     "data_coding_gsm7"};

void RejectSmppKeysOnHttp(TableReader& reader, const CarrierConfig& out) {
  if (out.protocol == "smpp") return;
  for (std::string_view key : kSmppOnlyKeys) {
    if (const toml::node* node = reader.table().get(key)) {
      reader.AddError(*node, fmt::format("{} only applies to protocol = \"smpp\"", key));
    }
  }
}

void ReadSystemType(TableReader& reader, CarrierConfig& out) {
  if (!reader.String("system_type", out.system_type)) return;
  if (out.system_type.size() > kMaxSystemTypeLength) {
    reader.Fail(*reader.table().get("system_type"), "system_type",
                fmt::format("at most {} characters", kMaxSystemTypeLength));
  }
}

void ReadTls(TableReader& reader, CarrierConfig& out) {
  const bool tls_ok = reader.Bool("tls", out.tls);
  reader.Bool("tls_verify", out.tls_verify);
  const bool ca_ok = reader.NonEmptyString("tls_ca_file", out.tls_ca_file);
  // An http carrier's TLS comes from its https:// URL; tls_ca_file applies there too.
  if (tls_ok && ca_ok && out.protocol == "smpp" && !out.tls && !out.tls_ca_file.empty()) {
    reader.AddError(*reader.table().get("tls_ca_file"), "tls_ca_file needs tls = true");
  }
}

void ReadTimers(TableReader& reader, CarrierConfig& out) {
  reader.Int("enquire_link_s", out.enquire_link_s, 1, 3600);
  reader.Int("response_timeout_s", out.response_timeout_s, 1, 600);
  const bool min_ok = reader.Int("reconnect_min_ms", out.reconnect_min_ms, 1, kMaxBackoffMs);
  const bool max_ok = reader.Int("reconnect_max_ms", out.reconnect_max_ms, 1, kMaxBackoffMs);
  if (min_ok && max_ok && out.reconnect_max_ms < out.reconnect_min_ms) {
    reader.Fail(Locate(reader.table(), "reconnect_max_ms"), "reconnect_max_ms",
                fmt::format("≥ reconnect_min_ms ({})", out.reconnect_min_ms));
  }
  reader.Int("max_pdu_bytes", out.max_pdu_bytes, 1024, int64_t{16} << 20);
}

// `source_ton = { alphanumeric = 5, e164 = 1, short_code = 3 }` (any subset); likewise
// source_npi. `field` picks TonNpi::ton or TonNpi::npi.
void ReadSourceTable(TableReader& reader, std::string_view key, uint8_t TonNpi::*field, int64_t max,
                     SourceAddressing& out) {
  const toml::table* table = reader.Subtable(key);
  if (table == nullptr) return;
  TableReader kinds(*table, fmt::format("{} {}", reader.section(), key), reader.diags());
  kinds.Int("alphanumeric", out.alphanumeric.*field, 0, max);
  kinds.Int("e164", out.e164.*field, 0, max);
  kinds.Int("short_code", out.short_code.*field, 0, max);
  kinds.ReportUnknownKeys();
}

void ReadAddressing(TableReader& reader, CarrierConfig& out) {
  ReadSourceTable(reader, "source_ton", &TonNpi::ton, kMaxTon, out.source);
  ReadSourceTable(reader, "source_npi", &TonNpi::npi, kMaxNpi, out.source);
  reader.Int("dest_ton", out.dest.ton, 0, kMaxTon);
  reader.Int("dest_npi", out.dest.npi, 0, kMaxNpi);
}

// "0x45" (1 to 8 hex digits) or "69" (decimal); nullopt when malformed, too large or 0.
std::optional<uint32_t> ParseCommandStatus(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
    if (text.size() > 8) return std::nullopt;
  }
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (text.empty() || ec != std::errc() || ptr != end || value == 0) return std::nullopt;
  return value;
}

std::optional<FailureClass> ParseFailureClass(const toml::node& node) {
  const std::optional<std::string> text = node.value_exact<std::string>();
  if (text == "transient") return FailureClass::kTransient;
  if (text == "permanent") return FailureClass::kPermanent;
  return std::nullopt;
}

// One `"0x45" = "transient"` entry; false (with an error) when it is not valid.
bool ReadStatusOverride(TableReader& reader, const toml::key& key, const toml::node& value,
                        std::vector<StatusOverride>& out) {
  const std::optional<uint32_t> status = ParseCommandStatus(key.str());
  if (!status) {
    reader.diags().Add(key.source(), fmt::format("{} status_overrides: '{}' must be a non-zero "
                                                 "command_status such as \"0x45\"",
                                                 reader.section(), key.str()));
    return false;
  }
  const std::optional<FailureClass> failure = ParseFailureClass(value);
  if (!failure) {
    return reader.Fail(value, fmt::format("status_overrides.\"{}\"", key.str()),
                       "\"transient\" or \"permanent\"");
  }
  const bool repeated = std::any_of(
      out.begin(), out.end(), [&](const StatusOverride& o) { return o.command_status == *status; });
  if (repeated) {
    reader.diags().Add(key.source(), fmt::format("{} status_overrides: 0x{:08X} is given twice",
                                                 reader.section(), *status));
    return false;
  }
  out.push_back(StatusOverride{*status, *failure});
  return true;
}

void ReadStatusOverrides(TableReader& reader, CarrierConfig& out) {
  const toml::table* table = reader.Subtable("status_overrides");
  if (table == nullptr) return;
  std::vector<StatusOverride> overrides;
  bool ok = true;
  for (const auto& [key, value] : *table) {
    ok = ReadStatusOverride(reader, key, value, overrides) && ok;
  }
  if (!ok) return;
  std::sort(overrides.begin(), overrides.end(),
            [](const StatusOverride& a, const StatusOverride& b) {
              return a.command_status < b.command_status;
            });
  out.status_overrides = std::move(overrides);
}

void ReadUnknownStatus(TableReader& reader, CarrierConfig& out) {
  std::string text = "transient";
  if (!reader.OneOf("unknown_status", text, {"transient", "permanent"})) return;
  out.unknown_status = text == "permanent" ? FailureClass::kPermanent : FailureClass::kTransient;
}

}  // namespace

void ReadCarrierSmpp(TableReader& reader, CarrierConfig& out) {
  RejectSmppKeysOnHttp(reader, out);
  reader.OneOf("bind_mode", out.bind_mode, {"transceiver", "transmitter_receiver"});
  ReadSystemType(reader, out);
  ReadTls(reader, out);
  ReadTimers(reader, out);
  ReadAddressing(reader, out);
  ReadStatusOverrides(reader, out);
  ReadUnknownStatus(reader, out);
  reader.OneOf("receipt_id_match", out.receipt_id_match,
               {"exact", "tolerant", "case_insensitive", "decimal_to_hex", "hex_to_decimal"});
  reader.Int("data_coding_gsm7", out.data_coding_gsm7, 0, 1);
}

}  // namespace deliverer::config::internal
