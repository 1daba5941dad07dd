#pragma once
// Schema helpers for config loading: typed reads from a TOML table that record every
// problem with its position, and report the keys nobody read as unknown. Internal to
// src/config; not thread-safe (one load at a time per instance).
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace deliverer::config::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Problems found while loading one file. All are kept; ToError() reports them sorted by
// position, one "FILE:LINE:COL: reason" per line.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source_name) : source_name_(std::move(source_name)) {}

  void Add(const toml::source_region& where, std::string reason);
  void Add(const toml::node& node, std::string reason) { Add(node.source(), std::move(reason)); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  Error ToError() const;

 private:
  struct Entry {
    uint32_t line;
    uint32_t column;
    std::string reason;
  };
  std::string source_name_;
  std::vector<Entry> entries_;
};

// Reads one table. Every typed getter follows the same contract:
// - key absent: returns true, `out` unchanged (the default stays);
// - present and valid: returns true, `out` set;
// - present but invalid: returns false, one error recorded, `out` unchanged.
// Messages read "<section> <key> must be <what>", e.g.
// "[delivery] max_attempts must be an integer ≥ 1".
class TableReader {
 public:
  static constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

  // `section` names the table in messages: "[server]", "[[carriers]] \"sim-a\""; empty for
  // the top level, whose unknown keys read "unknown key 'k'" or "unknown section [k]".
  TableReader(const toml::table& table, std::string section, Diagnostics& diags)
      : table_(table), section_(std::move(section)), diags_(diags) {}

  bool String(std::string_view key, std::string& out);
  bool NonEmptyString(std::string_view key, std::string& out);
  bool OneOf(std::string_view key, std::string& out,
             std::initializer_list<std::string_view> allowed);
  bool Bool(std::string_view key, bool& out);
  bool Int(std::string_view key, int64_t& out, int64_t min, int64_t max = kNoMax);
  // For narrower types; `max` is clamped to what T holds.
  template <class T>
  bool Int(std::string_view key, T& out, int64_t min, int64_t max = kNoMax) {
    if (std::cmp_less(std::numeric_limits<T>::max(), max)) {
      max = static_cast<int64_t>(std::numeric_limits<T>::max());
    }
    int64_t value = static_cast<int64_t>(out);
    if (!Int(key, value, min, max)) return false;
    out = static_cast<T>(value);
    return true;
  }
  // An integer or a float, ≥ min (and ≤ max; above min when `min_exclusive`).
  bool Number(std::string_view key, double& out, double min);
  bool Number(std::string_view key, double& out, double min, double max,
              bool min_exclusive = false);
  // The table nested under `key` (e.g. `circuit_breaker = { … }`), marked as read; nullptr
  // when absent, or when not a table (then with an error recorded).
  const toml::table* Subtable(std::string_view key);
  bool StringArray(std::string_view key, std::vector<std::string>& out);
  bool IntArray(std::string_view key, std::vector<int>& out, int64_t min, int64_t max);

  // A secret given as `key` (inline), `key_file` (a path whose content, less one trailing
  // newline, is the secret) or `key_env` (an environment variable); at most one of them.
  // Errors name the key, path or variable, never the secret.
  bool Secret(std::string_view key, std::string& out);

  // The node under `key`, marked as read; nullptr when absent.
  const toml::node* Find(std::string_view key);
  // Records "<section> <key> must be <what>" at `node`; returns false for chaining.
  bool Fail(const toml::node& node, std::string_view key, std::string_view what);
  // Records an error at `node` with a reason used verbatim after the section name.
  void AddError(const toml::node& node, std::string_view reason);
  // Records "unknown key 'k' in <section>" for every key not read so far.
  void ReportUnknownKeys();

  const toml::table& table() const { return table_; }
  const std::string& section() const { return section_; }
  Diagnostics& diags() { return diags_; }

 private:
  bool ReadSecretFile(const toml::node& node, std::string_view key, std::string& out);
  bool ReadSecretEnv(const toml::node& node, std::string_view key, std::string& out);

  const toml::table& table_;
  std::string section_;
  Diagnostics& diags_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace deliverer::config::internal
