#pragma once
// Deliverer's configuration: one TOML file (every key is listed in docs/configuration.md).
// Loading rejects unknown keys and bad values with "file:line:column: reason". Every
// section has defaults so the smallest config (even an empty file) works.
// Secrets may come from the file, from `<key>_file` (a path, relative to the working
// directory; its content less one trailing newline) or `<key>_env` (a variable); at most
// one of the three. Secrets: [storage] url, [queue] url, [webhooks] signing_secret and the
// carriers' password, token and dlr_token, [errors] sentry_dsn. Fields below hold the resolved values.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "compliance/replies.h"

namespace deliverer::config {

struct ServerConfig {
  // From `listen = "host:port"`; an IPv6 host is written "[::1]:8080" and stored bare.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;            // 0 = pick a free port (and log it)
  int threads = 1;                        // HTTP I/O threads, 1 … 256
  size_t max_body_bytes = 64 * 1024;      // single-message requests
  size_t max_batch_body_bytes = 8 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int idle_timeout_s = 60;                // keep-alive connection idle limit
  int request_timeout_s = 30;             // a whole request must arrive within this
  int max_connections = 10'000;           // open at once; more are answered 503 and closed
  // TLS when cert and key are set (both or neither); client_ca_file needs them.
  std::string tls_cert_file, tls_key_file, client_ca_file;
};

// [smpp_server]: SMPP 3.4 for producers (docs/smpp-server.md). Off unless `listen` is set.
struct SmppServerConfig {
  bool enabled = false;                   // `listen` given
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 2776;            // 0 = pick a free port (and log it)
  std::string tls_cert_file, tls_key_file;  // TLS when both are set
  int max_connections = 1'000;            // open at once; more are closed at once
  int max_binds_per_system_id = 8;        // binds of one credential at once
  int window = 32;                        // submits per bind being accepted at once
  int deliver_window = 16;                // deliver_sm per bind awaiting their answer
  int max_pending_parts = 10'000;         // parts of long messages waiting, all producers
  int parts_timeout_s = 600;              // a long message's parts must all come within this
  int max_queued_deliveries = 10'000;     // receipts kept per system_id while it is not bound
  int delivery_retention_h = 72;          // a receipt not taken within this is given up
  int bind_timeout_s = 10;                // a connection must bind within this
  int idle_timeout_s = 120;               // closed after this long without a PDU
};

struct StorageConfig {
  std::string backend = "sqlite";         // "sqlite" | "postgres"
  std::string path = "./deliverer-data";  // sqlite: folder holding the database
  std::string url;                        // postgres, required for it; a secret
  int max_batch = 1000;                   // rows per group commit at most
  int min_commit_interval_ms = 0;         // sqlite: a commit at most this often; 0 = at once
};

// Dispatch: in the delivering process's memory, or through RabbitMQ (docs/deployment.md
// "Dispatch through RabbitMQ"), which needs [storage] backend = "postgres".
struct QueueConfig {
  std::string backend = "embedded";       // "embedded" | "rabbitmq"
  std::string url;                        // rabbitmq: amqp://user:password@host:port/vhost; a secret
  int partitions = 16;                    // rabbitmq: queues the destinations are spread over
  std::string queue_prefix = "deliverer.dispatch.";  // rabbitmq: queue names, + the partition
  int prefetch = 1000;                    // rabbitmq: unacked deliveries per queue in the consumer
};

// Shared state that may be lost (docs/deployment.md "Rate limits across processes"):
// with a url, every serving process keeps [rate_limits] in Redis, shared.
struct RedisConfig {
  std::string url;                        // redis://[:password@]host[:port][/db]; a secret; "" = none
  int timeout_ms = 50;                    // 1 … 5000: a call that takes longer counts as Redis down
  std::string key_prefix = "deliverer:";  // for installations that share one Redis
};

struct SecurityConfig {
  bool allow_private_callbacks = false;
  std::string encryption_key_file;        // a path; the key ring is read by its user
  int body_retention_days = 30;           // 1 … 36500
  int message_retention_days = 365;       // 1 … 36500
};

struct RateLimitConfig {
  double per_key_rps = 1000;              // 0 = unlimited
  double per_key_burst = 2000;
  double global_rps = 0;                  // 0 = unlimited
  double global_burst = 0;                // 0 = same as global_rps
  // Requests refused 401 per source address: past this the address is answered 429
  // before its key is even looked up (well-formed made-up keys cost a store read).
  double auth_failures_per_ip_rps = 10;
  double auth_failures_per_ip_burst = 100;
};

struct DeliveryConfig {
  int max_attempts = 5;                   // ≥ 1
  int backoff_base_ms = 500;              // ≥ 0
  int backoff_cap_ms = 60000;             // ≥ backoff_base_ms
  int receipt_wait_s = 0;                 // 0 = the message's TTL
  int64_t queue_high_water = 1'000'000;   // above it, POST answers 503 overloaded
  // Read (1 … 4096) so that older files still load, and used by nothing: the queue orders
  // per destination, with no partitions to limit how many go out at once.
  int partitions = 64;
  int workers = 1;                        // delivery threads, 1 … 256
  int drain_timeout_s = 10;               // SIGTERM: in-flight submits get this long, 0 … 3600
  int webhook_max_age_h = 24;             // an undelivered webhook event is dropped after this
};

// Per-carrier circuit breaker (docs/configuration.md "[circuit_breaker]"). Closed → open after
// `consecutive_failures` failures in a row, or when at least `min_volume` results in the
// last `window_s` seconds hold a failure share ≥ `failure_ratio`, or on a dead link. Open
// for `open_s`, doubled after every failed probe up to `max_open_s`; then half-open with up
// to `half_open_probes` messages in flight.
struct CircuitBreakerConfig {
  bool enabled = true;                    // false: the carrier is never cut off
  int consecutive_failures = 20;          // ≥ 1
  double failure_ratio = 0.5;             // > 0 and ≤ 1
  int window_s = 10;                      // 1 … 3600
  int min_volume = 20;                    // ≥ 1
  int open_s = 5;                         // 1 … 3600
  int max_open_s = 60;                    // ≥ open_s, ≤ 86400
  int half_open_probes = 3;               // 1 … 1000
};

struct ContentConfig {
  std::vector<std::string> disallowed;    // RE2 patterns
};

struct WebhooksConfig {
  std::string signing_secret;             // resolved from _file / _env when given so
  std::string previous_signing_secret;    // during a rotation: also signed with; a secret
  std::string ops_url;                    // operators' webhook for circuit changes; "" = none
  int max_in_flight = 1024;               // POSTs under way at once, all accounts
  int max_in_flight_per_account = 128;    // … of one account, so a slow receiver delays only its own
};

// Replies to keyword MOs, by kind; nullopt = not set here (an account's table inherits
// [compliance]'s). "" disables that reply.
struct ComplianceReplies {
  std::optional<std::string> opt_out_reply;
  std::optional<std::string> opt_in_reply;
  std::optional<std::string> help_reply;
};

// [compliance] (docs/reliability.md S11): extra opt-out keywords and the confirmation texts,
// with per-account overrides from [compliance.accounts.<account>]. Every text fits in
// model::kMaxSegments segments.
struct ComplianceConfig {
  std::vector<std::string> opt_out_keywords;  // added to the built-in list; one word each
  ComplianceReplies replies{std::string(compliance::kDefaultOptOutReply),
                            std::string(compliance::kDefaultOptInReply),
                            std::string(compliance::kDefaultHelpReply)};  // all three set
  std::map<std::string, ComplianceReplies> accounts;
};

// [accounts.<account>] (docs/configuration.md "[accounts]"): what the account's requests
// get for the fields they leave out. An account without a table gets these defaults.
struct AccountConfig {
  bool smart_encoding = false;            // `smart_encoding` of a request that does not say
};

// [billing] (docs/api.md "Cost"): the currency every carrier's price_per_segment is in,
// and that estimates and costs are labelled with.
struct BillingConfig {
  std::string currency = "EUR";           // three upper-case letters (ISO 4217)
};

// [errors] (docs/operations.md "Error reporting"): where unexpected internal errors and
// crashes are reported. Nothing is reported while sentry_dsn is "".
struct ErrorsConfig {
  std::string sentry_dsn;                 // a Sentry DSN (errors/dsn.h), checked; a secret
  std::string environment;                // the events' environment ("production"); "" = none
};

// [[numbers]] (docs/configuration.md "[[numbers]]", docs/api.md "Inbound messages to
// producers"): a number or short code of ours assigned to an account; MOs to it are the
// account's, and are POSTed to `inbound_url` when there is one.
struct NumberConfig {
  std::string number;       // "+" and E.164 digits, or a short code of 3 to 8 digits
  std::string account;      // non-empty
  std::string inbound_url;  // "" = listed by GET /v1/inbound only, not forwarded
};

// The assignment of `to` (an MO's destination, as the carrier gave it): matched with and
// without the '+', since SMPP addresses are often bare digits. nullptr when unassigned.
const NumberConfig* FindNumber(const std::vector<NumberConfig>& numbers, std::string_view to);

struct LoggingConfig {
  std::string level = "info";             // trace | debug | info | warn | error
  std::string format = "json";            // json | text
};

// How a failed submit is treated; see smpp/status.h.
enum class FailureClass : uint8_t { kTransient, kPermanent };

// One row of a carrier's `status_overrides`: `command_status` (never 0, ESME_ROK) is
// treated as `failure` instead of what the built-in table says.
struct StatusOverride {
  uint32_t command_status = 0;
  FailureClass failure = FailureClass::kTransient;
};

// An SMPP address's type of number and numbering plan indicator.
struct TonNpi {
  uint8_t ton = 0;                        // 0 … 6
  uint8_t npi = 0;                        // 0 … 18
};

// source_addr TON/NPI by the kind of sender (docs/smpp-mapping.md "submit_sm fields").
struct SourceAddressing {
  TonNpi alphanumeric{5, 0};
  TonNpi e164{1, 1};
  TonNpi short_code{3, 0};
};

// How an http carrier's API is spoken (docs/configuration.md "[[carriers]]"); the
// defaults speak the simulator's HTTP carrier mode (docs/simulator.md).
struct HttpFieldNames {                   // the carrier's name for each of our fields; "" omits it
  std::string from = "from";
  std::string to = "to";
  std::string text = "text";
  std::string reference = "reference";    // our message id
  std::string receipt = "receipt";        // whether a receipt is wanted
  std::string validity_s = "validity_s";  // the remaining TTL in seconds
};

struct HttpCarrierConfig {
  std::string format = "json";            // "json" | "form" request bodies
  std::string auth_header = "Authorization";
  std::string auth_scheme = "Bearer";     // "" sends the token alone
  HttpFieldNames fields;                  // `fields = { to = "msisdn", … }`, any subset
  std::string id_field = "message_id";    // dotted path of the id in a JSON answer ("data.0.id")
  std::string error_field = "error";      // dotted path of the carrier's error code, for logs
  // Non-2xx answers that blame the message (never retried); every other one is transient.
  std::vector<int> permanent_statuses = {400, 409, 410, 413, 422};
  int connections = 4;                    // keep-alive connections, one request each, 1 … 256
  bool allow_private = false;             // may the URL resolve to loopback/private addresses
};

struct CarrierConfig {
  std::string id;
  std::string protocol = "smpp";          // "smpp" | "http"
  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  std::string system_id;
  std::string password;                   // resolved from password_file / password_env
  int binds = 1;                          // 1 … 64
  int window = 64;                        // 1 … 1024
  double tps = 0;                         // 0 = unlimited
  std::vector<std::string> countries = {"*"};  // "*" or ISO regions, upper-cased
  double price_per_segment = 0;
  bool enabled = true;
  std::string url;                        // http carriers
  std::string token;                      // resolved from token / token_file / token_env
  std::string dlr_token;                  // resolved from dlr_token / _file / _env
  std::vector<std::string> dlr_allow;     // CIDRs; a bare address is stored as /32 or /128
  std::string dlr_cert_name;              // CN or DNS SAN of its client certificate; needs client_ca_file
  HttpCarrierConfig http;                 // http carriers only (rejected on smpp ones)
  // When the credentials were issued (TOML date `credentials_created = 2026-01-31`), as
  // Unix seconds at 00:00 UTC; 0 = unknown. Lets /readyz and a metric report aging ones.
  int64_t credentials_created_unix = 0;

  // Any protocol: server certificate checks (SMPP over TLS, HTTPS) and receipt ids.
  bool tls_verify = true;                 // verify the server's certificate and host name
  std::string tls_ca_file;                // "" = the system's trust store; SMPP: needs tls
  // How submit_sm_resp ids relate to receipt ids: "exact" (identical), "tolerant" (hex or
  // decimal, any case, leading zeros: receipts::CarrierIdMatch::kAuto), "case_insensitive",
  // "decimal_to_hex", "hex_to_decimal" (for carriers whose hex ids may be all digits).
  std::string receipt_id_match = "tolerant";

  // SMPP only (rejected on an http carrier): the knobs of smpp::SessionConfig and
  // smpp::ClientEndpoint, and the submit_sm addressing and status handling.
  std::string bind_mode = "transceiver";  // "transceiver" | "transmitter_receiver"
  std::string system_type;                // at most 12 characters
  bool tls = false;
  int enquire_link_s = 30;                // idle time before an enquire_link, 1 … 3600
  int response_timeout_s = 10;            // any protocol: a submit's answer, 1 … 600
  int reconnect_min_ms = 500;             // first reconnect backoff, 1 … 3600000
  int reconnect_max_ms = 30000;           // ≥ reconnect_min_ms, ≤ 3600000
  int64_t max_pdu_bytes = 64 * 1024;      // larger PDUs break the link, 1024 … 16 MiB
  SourceAddressing source;                // `source_ton` / `source_npi` tables by sender kind
  TonNpi dest{1, 1};                      // `dest_ton` / `dest_npi`
  std::vector<StatusOverride> status_overrides;  // sorted by command_status, unique
  FailureClass unknown_status = FailureClass::kTransient;  // statuses not in the table
  int data_coding_gsm7 = 0;               // data_coding for GSM-7 text: 0 or 1

  // [circuit_breaker] with this carrier's `circuit_breaker = { … }` applied on top.
  CircuitBreakerConfig circuit_breaker;
};

// A canary's guard (docs/configuration.md "The canary's guard"): the canary arm compared
// with the route's own (control) arm over a sliding window; worse by more than a margin,
// the roll-out halts itself until an operator resumes it. Ratios are fractions (0.05 = 5
// percentage points).
struct CanaryGuardConfig {
  bool enabled = true;
  int64_t min_samples = 200;              // per arm and measure within the window, 10 … 1e6
  double max_submit_error_margin = 0.05;  // canary's submit error ratio above control's, (0, 1]
  double max_delivery_ratio_drop = 0.05;  // canary's delivery ratio below control's, (0, 1]
  double max_receipt_latency_ratio = 2.0; // canary's mean receipt latency over control's, (1, 100]
  int64_t window_s = 300;                 // 10 … 86400
};

// A percentage of a route's traffic sent another way, to roll a route change out
// (docs/configuration.md "canary"). The arm is chosen by a stable hash of the flag and the
// message id, so a message (and its retries) always takes the same arm.
struct CanaryConfig {
  std::string flag;                       // names the roll-out; required, one route's only
  double percent = 0;                     // 0 … 100 of the route's messages
  std::string policy;                     // as RouteConfig::policy; the route's when absent
  std::vector<std::string> carriers;      // non-empty, known ids, no repeats
  std::vector<int> weights;               // iff policy is weighted, one per carrier
  CanaryGuardConfig guard;                // `guard = { … }`
};

struct RouteConfig {
  std::string match = "*";                // "*", an ISO region, or a prefix "+4477"; unique
  std::string policy = "failover";        // priority | failover | weighted | least_cost
  std::vector<std::string> carriers;      // non-empty, known ids, no repeats
  std::vector<int> weights;               // one per carrier iff policy = weighted, else empty
  std::optional<CanaryConfig> canary;     // `canary = { flag, percent, carriers, … }`
};

struct Config {
  std::string source;                     // the file it came from, "" for defaults
  ServerConfig server;
  SmppServerConfig smpp_server;
  StorageConfig storage;
  QueueConfig queue;
  RedisConfig redis;
  SecurityConfig security;
  RateLimitConfig rate_limits;
  DeliveryConfig delivery;
  ContentConfig content;
  WebhooksConfig webhooks;
  ComplianceConfig compliance;
  std::map<std::string, AccountConfig> accounts;  // by account name
  LoggingConfig logging;
  CircuitBreakerConfig circuit_breaker;   // defaults for every carrier
  BillingConfig billing;
  ErrorsConfig errors;
  std::vector<CarrierConfig> carriers;
  std::vector<RouteConfig> routes;
  std::vector<NumberConfig> numbers;  // [[numbers]], numbers unique
};

// Reads and validates a TOML file. Errors have code "invalid_config" and a detail of the
// form "deliverer.toml:12:3: unknown key 'listne' in [server]": every problem found, one a
// line, sorted by position (a syntax error stops parsing, so it is alone). Details name
// keys, paths and variables, never a secret's value. Reads `*_env` variables with getenv:
// do not load while another thread calls setenv.
Result<Config> LoadFile(const std::string& path);
// Same, from text (`source_name` is used in error messages).
Result<Config> LoadString(std::string_view toml, const std::string& source_name);

// A human-readable dump of the resolved configuration with secrets redacted, for
// `deliverer config check`.
std::string Describe(const Config& config);

}  // namespace deliverer::config
