// [accounts.<account>] tables: what an account's requests get when they leave a field out
// (docs/configuration.md "[accounts]").
#include <fmt/format.h>

#include "config/sections.h"

namespace deliverer::config::internal {

void ReadAccounts(TableReader& reader, std::map<std::string, AccountConfig>& out) {
  for (const auto& [name, node] : reader.table()) {
    const std::string section = fmt::format("[accounts.{}]", name.str());
    const toml::table* table = reader.Subtable(name.str());
    if (table == nullptr) continue;  // not a table: recorded by Subtable
    if (name.str().empty()) {
      reader.diags().Add(node, fmt::format("{} must be named after an account", section));
      continue;
    }
    TableReader account(*table, section, reader.diags());
    account.Bool("smart_encoding", out[std::string(name.str())].smart_encoding);
    account.ReportUnknownKeys();
  }
}

}  // namespace deliverer::config::internal
