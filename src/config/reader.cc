#include "config/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

namespace deliverer::config::internal {
namespace {

// Fields whose maximum is only their type's limit read as unbounded in messages.
constexpr int64_t kPracticallyUnbounded = std::numeric_limits<int32_t>::max();

std::string IntegerRange(int64_t min, int64_t max) {
  if (max >= kPracticallyUnbounded) return fmt::format("an integer ≥ {}", min);
  return fmt::format("an integer between {} and {}", min, max);
}

std::string Choices(std::initializer_list<std::string_view> allowed) {
  std::string text;
  for (std::string_view choice : allowed) {
    if (!text.empty()) text += " | ";
    text += fmt::format("\"{}\"", choice);
  }
  return text;
}

bool SourceLess(const toml::node* a, const toml::node* b) {
  const auto& pa = a->source().begin;
  const auto& pb = b->source().begin;
  return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
}

// Removes one trailing "\n" (or "\r\n"): editors add it, secrets never contain it.
void TrimOneNewline(std::string& text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
}

}  // namespace

void Diagnostics::Add(const toml::source_region& where, std::string reason) {
  entries_.push_back(Entry{where.begin.line, where.begin.column, std::move(reason)});
}

Error Diagnostics::ToError() const {
  std::vector<Entry> sorted = entries_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::string detail;
  for (const Entry& entry : sorted) {
    if (!detail.empty()) detail += '\n';
    detail += fmt::format("{}:{}:{}: {}", source_name_, entry.line, entry.column, entry.reason);
  }
  return Error::Of("invalid_config", std::move(detail));
}

const toml::node* TableReader::Find(std::string_view key) {
  read_.emplace(key);
  return table_.get(key);
}

bool TableReader::Fail(const toml::node& node, std::string_view key, std::string_view what) {
  AddError(node, fmt::format("{} must be {}", key, what));
  return false;
}

void TableReader::AddError(const toml::node& node, std::string_view reason) {
  diags_.Add(node, section_.empty() ? std::string(reason) : fmt::format("{} {}", section_, reason));
}

void TableReader::ReportUnknownKeys() {
  for (const auto& [key, node] : table_) {
    if (read_.contains(key.str())) continue;
    std::string reason;
    if (!section_.empty()) {
      reason = fmt::format("unknown key '{}' in {}", key.str(), section_);
    } else if (node.is_table() || node.is_array_of_tables()) {
      reason = fmt::format("unknown section [{}]", key.str());
    } else {
      reason = fmt::format("unknown key '{}'", key.str());
    }
    diags_.Add(key.source(), std::move(reason));
  }
}

bool TableReader::String(std::string_view key, std::string& out) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  if (!node->is_string()) return Fail(*node, key, "a string");
  out = node->as_string()->get();
  return true;
}

bool TableReader::NonEmptyString(std::string_view key, std::string& out) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  if (!node->is_string() || node->as_string()->get().empty()) {
    return Fail(*node, key, "a non-empty string");
  }
  out = node->as_string()->get();
  return true;
}

bool TableReader::OneOf(std::string_view key, std::string& out,
                        std::initializer_list<std::string_view> allowed) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  const std::string* value = node->is_string() ? &node->as_string()->get() : nullptr;
  if (value == nullptr || std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
    return Fail(*node, key, "one of " + Choices(allowed));
  }
  out = *value;
  return true;
}

bool TableReader::Bool(std::string_view key, bool& out) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  if (!node->is_boolean()) return Fail(*node, key, "true or false");
  out = node->as_boolean()->get();
  return true;
}

bool TableReader::Int(std::string_view key, int64_t& out, int64_t min, int64_t max) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  const std::optional<int64_t> value = node->value_exact<int64_t>();
  if (!value || *value < min) return Fail(*node, key, IntegerRange(min, max));
  if (*value > max) return Fail(*node, key, fmt::format("an integer between {} and {}", min, max));
  out = *value;
  return true;
}

bool TableReader::Number(std::string_view key, double& out, double min) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  std::optional<double> number;
  if (const auto* integer = node->as_integer()) number = static_cast<double>(integer->get());
  if (const auto* floating = node->as_floating_point()) number = floating->get();
  if (!number || !std::isfinite(*number) || *number < min) {
    return Fail(*node, key, fmt::format("a number ≥ {}", min));
  }
  out = *number;
  return true;
}

bool TableReader::Number(std::string_view key, double& out, double min, double max,
                         bool min_exclusive) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  std::optional<double> number;
  if (const auto* integer = node->as_integer()) number = static_cast<double>(integer->get());
  if (const auto* floating = node->as_floating_point()) number = floating->get();
  const bool low = number && (min_exclusive ? *number <= min : *number < min);
  if (!number || !std::isfinite(*number) || low || *number > max) {
    return Fail(*node, key,
                fmt::format("a number {} {} and ≤ {}", min_exclusive ? ">" : "≥", min, max));
  }
  out = *number;
  return true;
}

const toml::table* TableReader::Subtable(std::string_view key) {
  const toml::node* node = Find(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    Fail(*node, key, "a table");
    return nullptr;
  }
  return node->as_table();
}

bool TableReader::StringArray(std::string_view key, std::vector<std::string>& out) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  const toml::array* array = node->as_array();
  if (array == nullptr) return Fail(*node, key, "an array of strings");
  std::vector<std::string> values;
  for (const toml::node& element : *array) {
    if (!element.is_string()) return Fail(element, key, "an array of strings");
    values.push_back(element.as_string()->get());
  }
  out = std::move(values);
  return true;
}

bool TableReader::IntArray(std::string_view key, std::vector<int>& out, int64_t min, int64_t max) {
  const toml::node* node = Find(key);
  if (node == nullptr) return true;
  const std::string what = fmt::format("an array of integers between {} and {}", min, max);
  const toml::array* array = node->as_array();
  if (array == nullptr) return Fail(*node, key, what);
  std::vector<int> values;
  for (const toml::node& element : *array) {
    const std::optional<int64_t> value = element.value_exact<int64_t>();
    if (!value || *value < min || *value > max) return Fail(element, key, what);
    values.push_back(static_cast<int>(*value));
  }
  out = std::move(values);
  return true;
}

bool TableReader::Secret(std::string_view key, std::string& out) {
  enum class Kind { kInline, kFile, kEnv };
  struct Given {
    const toml::node* node;
    std::string key;
    Kind kind;
  };
  std::vector<Given> given;
  const std::string file_key = fmt::format("{}_file", key);
  const std::string env_key = fmt::format("{}_env", key);
  for (Given candidate :
       {Given{nullptr, std::string(key), Kind::kInline}, Given{nullptr, file_key, Kind::kFile},
        Given{nullptr, env_key, Kind::kEnv}}) {
    candidate.node = Find(candidate.key);
    if (candidate.node != nullptr) given.push_back(std::move(candidate));
  }
  if (given.empty()) return true;
  if (given.size() > 1) {
    std::sort(given.begin(), given.end(),
              [](const Given& a, const Given& b) { return SourceLess(a.node, b.node); });
    AddError(*given[1].node,
             fmt::format("takes at most one of {}, {}, {}", key, file_key, env_key));
    return false;
  }
  const Given& one = given[0];
  if (!one.node->is_string()) return Fail(*one.node, one.key, "a string");
  switch (one.kind) {
    case Kind::kFile:
      return ReadSecretFile(*one.node, one.key, out);
    case Kind::kEnv:
      return ReadSecretEnv(*one.node, one.key, out);
    case Kind::kInline:
      break;
  }
  out = one.node->as_string()->get();
  return true;
}

bool TableReader::ReadSecretFile(const toml::node& node, std::string_view key, std::string& out) {
  const std::string& path = node.as_string()->get();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = std::generic_category().message(errno);
    AddError(node, fmt::format("{}: cannot read '{}': {}", key, path, reason));
    return false;
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    AddError(node, fmt::format("{}: cannot read '{}'", key, path));
    return false;
  }
  TrimOneNewline(content);
  out = std::move(content);
  return true;
}

bool TableReader::ReadSecretEnv(const toml::node& node, std::string_view key, std::string& out) {
  const std::string& variable = node.as_string()->get();
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) {
    AddError(node, fmt::format("{}: environment variable '{}' is not set", key, variable));
    return false;
  }
  out = value;
  return true;
}

}  // namespace deliverer::config::internal
