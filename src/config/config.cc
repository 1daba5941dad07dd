#include "config/config.h"

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

#include "config/reader.h"
#include "config/sections.h"

namespace deliverer::config {
namespace {

using internal::Diagnostics;
using internal::TableReader;

// The single-table sections, in the order docs/configuration.md lists them; [circuit_breaker]
// comes before [[carriers]], whose own circuit_breaker tables start from it.
struct Section {
  std::string_view name;
  void (*read)(TableReader& reader, Config& config);
};

constexpr Section kSections[] = {
    {"server", [](TableReader& r, Config& c) { internal::ReadServer(r, c.server); }},
    {"smpp_server", [](TableReader& r, Config& c) { internal::ReadSmppServer(r, c.smpp_server); }},
    {"storage", [](TableReader& r, Config& c) { internal::ReadStorage(r, c.storage); }},
    {"queue", [](TableReader& r, Config& c) { internal::ReadQueue(r, c.queue); }},
    {"redis", [](TableReader& r, Config& c) { internal::ReadRedis(r, c.redis); }},
    {"security", [](TableReader& r, Config& c) { internal::ReadSecurity(r, c.security); }},
    {"rate_limits", [](TableReader& r, Config& c) { internal::ReadRateLimits(r, c.rate_limits); }},
    {"delivery", [](TableReader& r, Config& c) { internal::ReadDelivery(r, c.delivery); }},
    {"content", [](TableReader& r, Config& c) { internal::ReadContent(r, c.content); }},
    {"webhooks", [](TableReader& r, Config& c) { internal::ReadWebhooks(r, c.webhooks); }},
    {"compliance", [](TableReader& r, Config& c) { internal::ReadCompliance(r, c.compliance); }},
    {"accounts", [](TableReader& r, Config& c) { internal::ReadAccounts(r, c.accounts); }},
    {"logging", [](TableReader& r, Config& c) { internal::ReadLogging(r, c.logging); }},
    {"circuit_breaker",
     [](TableReader& r, Config& c) { internal::ReadCircuitBreaker(r, c.circuit_breaker); }},
    {"billing", [](TableReader& r, Config& c) { internal::ReadBilling(r, c.billing); }},
    {"errors", [](TableReader& r, Config& c) { internal::ReadErrors(r, c.errors); }},
};

void ReadSection(TableReader& top, const Section& section, Config& config) {
  const toml::node* node = top.Find(section.name);
  if (node == nullptr) return;
  if (!node->is_table()) {
    top.Fail(*node, section.name, fmt::format("a table ([{}])", section.name));
    return;
  }
  TableReader reader(*node->as_table(), fmt::format("[{}]", section.name), top.diags());
  section.read(reader, config);
  reader.ReportUnknownKeys();
}

// A pinned client certificate name means nothing without a CA that verifies certificates.
void CheckCertificateNames(const toml::node& carriers, const Config& config, Diagnostics& diags) {
  if (!config.server.client_ca_file.empty() || !carriers.is_array()) return;
  for (const toml::node& carrier : *carriers.as_array()) {
    const toml::table* table = carrier.as_table();
    if (table == nullptr) continue;
    if (const toml::node* name = table->get("dlr_cert_name")) {
      const std::string id = (*table)["id"].value_or(std::string());
      diags.Add(*name, fmt::format("[[carriers]] \"{}\" dlr_cert_name needs [server] client_ca_file "
                                   "to verify client certificates", id));
    }
  }
}

// Dispatch through a broker serves processes that share one store; an embedded store is
// one process's.
void CheckQueueBackend(const toml::table& root, const Config& config, Diagnostics& diags) {
  if (config.queue.backend != "rabbitmq" || config.storage.backend == "postgres") return;
  if (const toml::node* backend = root.at_path("queue.backend").node()) {
    diags.Add(*backend, "[queue] backend = \"rabbitmq\" needs [storage] backend = \"postgres\"");
  }
}

Config ReadConfig(const toml::table& root, Diagnostics& diags) {
  Config config;
  TableReader top(root, "", diags);
  for (const Section& section : kSections) ReadSection(top, section, config);
  if (const toml::node* carriers = top.Find("carriers")) {
    internal::ReadCarriers(*carriers, config.circuit_breaker, diags, config.carriers);
    CheckCertificateNames(*carriers, config, diags);
  }
  if (const toml::node* routes = top.Find("routes")) {
    internal::ReadRoutes(*routes, config.carriers, diags, config.routes);
  }
  if (const toml::node* numbers = top.Find("numbers")) {
    internal::ReadNumbers(*numbers, config.security.allow_private_callbacks, diags, config.numbers);
  }
  CheckQueueBackend(root, config, diags);
  top.ReportUnknownKeys();
  return config;
}

Error SyntaxError(const std::string& source_name, const toml::parse_error& error) {
  const toml::source_position& at = error.source().begin;
  return Error::Of("invalid_config", fmt::format("{}:{}:{}: {}", source_name, at.line, at.column,
                                                 error.description()));
}

}  // namespace

Result<Config> LoadString(std::string_view toml, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml, source_name);
  } catch (const toml::parse_error& error) {
    return SyntaxError(source_name, error);
  }
  Diagnostics diags(source_name);
  Config config = ReadConfig(root, diags);
  if (!diags.empty()) return diags.ToError();
  config.source = source_name;
  return config;
}

Result<Config> LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = std::generic_category().message(errno);
    return Error::Of("invalid_config", fmt::format("{}: cannot read: {}", path, reason));
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error::Of("invalid_config", fmt::format("{}: cannot read", path));
  return LoadString(text, path);
}

}  // namespace deliverer::config
