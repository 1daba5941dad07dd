// [compliance] and its [compliance.accounts.<account>] tables (docs/reliability.md S11).
#include <fmt/format.h>

#include "compliance/keywords.h"
#include "config/sections.h"
#include "model/message.h"
#include "text/text.h"

namespace deliverer::config::internal {
namespace {

// A reply text: a string that fits in model::kMaxSegments segments; "" disables the reply.
void ReadReply(TableReader& reader, std::string_view key, std::optional<std::string>& out) {
  std::string text;
  const toml::node* node = reader.table().get(key);
  if (node == nullptr || !reader.String(key, text)) return;
  auto count = text::CountSegments(text);
  if (!count.ok() || count->segments > model::kMaxSegments) {
    reader.Fail(*node, key, fmt::format("a text of at most {} segments", model::kMaxSegments));
    return;
  }
  out = std::move(text);
}

void ReadReplies(TableReader& reader, ComplianceReplies& out) {
  ReadReply(reader, "opt_out_reply", out.opt_out_reply);
  ReadReply(reader, "opt_in_reply", out.opt_in_reply);
  ReadReply(reader, "help_reply", out.help_reply);
}

void ReadKeywords(TableReader& reader, std::vector<std::string>& out) {
  const toml::node* node = reader.table().get("opt_out_keywords");
  std::vector<std::string> keywords;
  if (node == nullptr || !reader.StringArray("opt_out_keywords", keywords)) return;
  const toml::array& array = *node->as_array();
  bool valid = true;
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (Status s = compliance::CheckExtraKeyword(keywords[i]); !s.ok()) {
      reader.AddError(*array.get(i), fmt::format("opt_out_keywords: {}", s.error().detail));
      valid = false;
    }
  }
  if (valid) out = std::move(keywords);
}

void ReadAccounts(TableReader& reader, std::map<std::string, ComplianceReplies>& out) {
  const toml::table* accounts = reader.Subtable("accounts");
  if (accounts == nullptr) return;
  for (const auto& [name, node] : *accounts) {
    const std::string section = fmt::format("[compliance.accounts.{}]", name.str());
    if (!node.is_table() || name.str().empty()) {
      reader.diags().Add(node, fmt::format("{} must be a table named after an account", section));
      continue;
    }
    TableReader account(*node.as_table(), section, reader.diags());
    ReadReplies(account, out[std::string(name.str())]);
    account.ReportUnknownKeys();
  }
}

}  // namespace

void ReadCompliance(TableReader& reader, ComplianceConfig& out) {
  ReadKeywords(reader, out.opt_out_keywords);
  ReadReplies(reader, out.replies);
  ReadAccounts(reader, out.accounts);
}

}  // namespace deliverer::config::internal
