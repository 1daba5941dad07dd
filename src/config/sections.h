#pragma once
// Readers for each part of the config file; internal to src/config. Each records its
// problems in the reader's (or the given) Diagnostics and leaves defaults where a value
// is absent or invalid.
#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace deliverer::config::internal {

void ReadServer(TableReader& reader, ServerConfig& out);
void ReadSmppServer(TableReader& reader, SmppServerConfig& out);
void ReadStorage(TableReader& reader, StorageConfig& out);
void ReadQueue(TableReader& reader, QueueConfig& out);
void ReadRedis(TableReader& reader, RedisConfig& out);
void ReadSecurity(TableReader& reader, SecurityConfig& out);
void ReadRateLimits(TableReader& reader, RateLimitConfig& out);
void ReadDelivery(TableReader& reader, DeliveryConfig& out);
void ReadContent(TableReader& reader, ContentConfig& out);
void ReadWebhooks(TableReader& reader, WebhooksConfig& out);
void ReadLogging(TableReader& reader, LoggingConfig& out);
void ReadBilling(TableReader& reader, BillingConfig& out);
void ReadErrors(TableReader& reader, ErrorsConfig& out);
// [compliance] with its [compliance.accounts.<account>] tables (compliance.cc).
void ReadCompliance(TableReader& reader, ComplianceConfig& out);
// The [accounts] table: one [accounts.<account>] table per account (accounts.cc).
void ReadAccounts(TableReader& reader, std::map<std::string, AccountConfig>& out);
// [circuit_breaker], and a carrier's `circuit_breaker = { … }` on top of it.
void ReadCircuitBreaker(TableReader& reader, CircuitBreakerConfig& out);
// The SMPP connection and addressing keys of one [[carriers]] table (carrier_smpp.cc).
void ReadCarrierSmpp(TableReader& reader, CarrierConfig& out);
// The HTTP API keys of one [[carriers]] table (carrier_http.cc).
void ReadCarrierHttp(TableReader& reader, CarrierConfig& out);

// `node` is the value of the top-level key "carriers" / "routes". Carriers start from
// `breaker` (the [circuit_breaker] section) for their own circuit_breaker table.
void ReadCarriers(const toml::node& node, const CircuitBreakerConfig& breaker, Diagnostics& diags,
                  std::vector<CarrierConfig>& out);
void ReadRoutes(const toml::node& node, const std::vector<CarrierConfig>& carriers,
                Diagnostics& diags, std::vector<RouteConfig>& out);
// `node` is the value of the top-level key "numbers"; inbound URLs are checked like
// producers' callback URLs, `allow_private` being [security] allow_private_callbacks.
void ReadNumbers(const toml::node& node, bool allow_private, Diagnostics& diags,
                 std::vector<NumberConfig>& out);

// "host:port" or "[v6]:port", port 0-65535; the host is returned without brackets.
bool ParseListen(std::string_view text, std::string& host, uint16_t& port);
// Route `match` and carrier `id` syntax, shared by the carrier and route readers.
bool IsValidId(std::string_view id);
bool IsRegion(std::string_view text);
bool IsArrayOfTables(const toml::node& node);
// The node that best locates `key` of `table`: the value, else the table itself.
const toml::node& Locate(const toml::table& table, std::string_view key);

// "10.0.0.0/8", "::1/128", or a bare address (given /32 or /128); nullopt when malformed.
std::optional<std::string> NormalizeCidr(std::string_view text);

}  // namespace deliverer::config::internal
