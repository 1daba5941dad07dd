#include "sim/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "validation/url.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

constexpr uint32_t kMaxMillis = 24 * 3600 * 1000;
constexpr size_t kMaxUrlChars = 2048;
constexpr size_t kMaxTokenChars = 256;
constexpr uint32_t kMaxDlrConnections = 64;
constexpr std::array<std::string_view, 2> kHttpSecrets = {"token", "dlr_token"};
constexpr double kMaxSeconds = 366.0 * 24 * 3600;

constexpr std::array<std::string_view, 4> kIdFormNames = {"same", "decimal", "lower",
                                                          "leading_zeros"};

std::string Join(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
}

Error Invalid(const std::string& path, std::string_view what) {
  return Error::Of("invalid_value", fmt::format("'{}' must be {}", path, what), path);
}

// Reads the fields of one JSON object into a config section. The first failure sticks in
// `status`; later reads are no-ops, so a section reads as a flat list of calls.
class Reader {
 public:
  Reader(const Json& object, std::string prefix, Status& status)
      : object_(object), prefix_(std::move(prefix)), status_(status) {}

  void Rate(std::string_view key, double& out) {
    Number(key, out, 0, 1, "a number from 0 to 1");
  }
  void Seconds(std::string_view key, double& out) {
    Number(key, out, 0, kMaxSeconds, "a number of seconds, 0 or more");
  }
  void Tps(std::string_view key, double& out) {
    Number(key, out, 0, 1e9, "a number, 0 (unlimited) or more");
  }
  void Millis(std::string_view key, uint32_t& out) { Unsigned(key, out, kMaxMillis); }
  void Count(std::string_view key, uint32_t& out) { Unsigned(key, out, 1'000'000'000); }

  void Flag(std::string_view key, bool& out) {
    const Json* v = Get(key);
    if (!v) return;
    if (!v->is_boolean()) return Fail(key, "true or false");
    out = v->get<bool>();
  }

  void Text(std::string_view key, std::string& out, size_t max_chars) {
    const Json* v = Get(key);
    if (!v) return;
    if (!v->is_string() || v->get_ref<const std::string&>().size() > max_chars) {
      return Fail(key, fmt::format("a string of at most {} characters", max_chars));
    }
    out = v->get<std::string>();
  }

  void Url(std::string_view key, std::string& out) {
    std::string url = out;
    Text(key, url, kMaxUrlChars);
    if (!url.empty() && !validation::ParseUrl(url)) {
      return Fail(key, "\"\" or an http:// or https:// URL");
    }
    out = std::move(url);
  }

  // Goes into a header as it is: printable ASCII, no spaces.
  void Token(std::string_view key, std::string& out) {
    std::string token = out;
    Text(key, token, kMaxTokenChars);
    auto printable = [](char c) { return c > ' ' && c < 0x7F; };
    if (!std::all_of(token.begin(), token.end(), printable)) {
      return Fail(key, "printable ASCII without spaces");
    }
    out = std::move(token);
  }

  void Range(std::string_view key, uint32_t& out, uint32_t min, uint32_t max) {
    const Json* v = Get(key);
    if (!v) return;
    if (!v->is_number_unsigned() || v->get<uint64_t>() < min || v->get<uint64_t>() > max) {
      return Fail(key, fmt::format("an integer from {} to {}", min, max));
    }
    out = static_cast<uint32_t>(v->get<uint64_t>());
  }

  void Code(std::string_view key, uint32_t& out) {
    const Json* v = Get(key);
    if (!v) return;
    auto code = ReadCode(*v);
    if (!code) return Fail(key, "a command_status: an integer or a \"0x..\" string");
    out = *code;
  }

  void Codes(std::string_view key, std::vector<uint32_t>& out) {
    const Json* v = Get(key);
    if (!v) return;
    std::vector<uint32_t> codes;
    for (const Json& item : v->is_array() ? *v : Json::array()) {
      if (auto code = ReadCode(item)) codes.push_back(*code);
    }
    if (!v->is_array() || codes.empty() || codes.size() != v->size()) {
      return Fail(key, "a non-empty array of command_status values");
    }
    out = std::move(codes);
  }

  // A nested object read by `read(Reader&)`.
  template <class F>
  void Section(std::string_view key, F&& read) {
    const Json* v = Get(key);
    if (!v) return;
    Reader nested(*v, Join(prefix_, key), status_);
    read(nested);
  }

  const Json* Get(std::string_view key) {
    if (!status_.ok()) return nullptr;
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  void Fail(std::string_view key, std::string_view what) {
    FailWith(Invalid(Join(prefix_, key), what));
  }
  void FailWith(Error error) {
    if (status_.ok()) status_ = std::move(error);
  }
  const std::string& prefix() const { return prefix_; }

 private:
  static std::optional<uint32_t> ReadCode(const Json& v) {
    if (v.is_number_unsigned() && v.get<uint64_t>() <= 0xFFFFFFFFu) {
      return static_cast<uint32_t>(v.get<uint64_t>());
    }
    if (!v.is_string()) return std::nullopt;
    const std::string& s = v.get_ref<const std::string&>();
    if (s.size() < 3 || s.size() > 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
      return std::nullopt;
    }
    uint32_t value = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data() + 2, end, value, 16);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return value;
  }

  void Number(std::string_view key, double& out, double min, double max, std::string_view what) {
    const Json* v = Get(key);
    if (!v) return;
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < min ||
        v->get<double>() > max) {
      return Fail(key, what);
    }
    out = v->get<double>();
  }

  void Unsigned(std::string_view key, uint32_t& out, uint32_t max) {
    const Json* v = Get(key);
    if (!v) return;
    if (!v->is_number_unsigned() || v->get<uint64_t>() > max) {
      return Fail(key, fmt::format("an integer from 0 to {}", max));
    }
    out = static_cast<uint32_t>(v->get<uint64_t>());
  }

  const Json& object_;
  std::string prefix_;
  Status& status_;
};

void ReadSubmit(Reader& r, SubmitConfig& c) {
  r.Rate("transient_rate", c.transient_rate);
  r.Codes("transient_codes", c.transient_codes);
  r.Rate("permanent_rate", c.permanent_rate);
  r.Code("permanent_code", c.permanent_code);
  r.Millis("latency_ms", c.latency_ms);
  r.Millis("latency_jitter_ms", c.latency_jitter_ms);
  r.Tps("max_tps", c.max_tps);
  if (c.transient_rate + c.permanent_rate > 1.0 + 1e-9) {
    r.Fail("transient_rate", "at most 1 - permanent_rate");
  }
}

void ReadOutcomes(Reader& r, OutcomeWeights& weights) {
  for (size_t i = 0; i < kReceiptStats.size(); ++i) {
    const Json* v = r.Get(kReceiptStats[i]);
    if (!v) continue;
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0) {
      return r.Fail(kReceiptStats[i], "a weight, 0 or more");
    }
    weights[i] = v->get<double>();
  }
  double total = 0;
  for (double w : weights) total += w;
  if (total <= 0) r.Fail(kReceiptStats[0], "part of weights that add up to more than 0");
}

void ReadReceipts(Reader& r, ReceiptsConfig& c) {
  r.Flag("enabled", c.enabled);
  r.Millis("delay_ms_min", c.delay_ms_min);
  r.Millis("delay_ms_max", c.delay_ms_max);
  r.Section("outcomes", [&](Reader& o) { ReadOutcomes(o, c.outcomes); });
  r.Rate("duplicate_rate", c.duplicate_rate);
  r.Rate("drop_rate", c.drop_rate);
  r.Rate("early_rate", c.early_rate);
  r.Count("max_resends", c.max_resends);
  std::string form(ToString(c.id_form));
  r.Text("id_form", form, 16);
  if (auto parsed = ParseIdForm(form)) {
    c.id_form = *parsed;
  } else {
    r.Fail("id_form", "one of \"same\", \"decimal\", \"lower\", \"leading_zeros\"");
  }
  if (c.delay_ms_min > c.delay_ms_max) r.Fail("delay_ms_max", "at least delay_ms_min");
}

void ReadOutages(Reader& r, std::vector<Outage>& out) {
  const Json* v = r.Get("outages");
  if (!v) return;
  if (!v->is_array()) return r.Fail("outages", "an array of {\"start_s\", \"duration_s\"}");
  std::vector<Outage> outages;
  Status status;
  for (size_t i = 0; i < v->size() && status.ok(); ++i) {
    const Json& item = (*v)[i];
    const std::string path = fmt::format("{}[{}]", Join(r.prefix(), "outages"), i);
    Outage outage;
    Reader o(item, path, status);
    if (!item.is_object() || item.size() != 2 || !item.contains("start_s") ||
        !item.contains("duration_s")) {
      status = Invalid(path, "an object {\"start_s\": n, \"duration_s\": n}");
      break;
    }
    o.Seconds("start_s", outage.start_s);
    o.Seconds("duration_s", outage.duration_s);
    outages.push_back(outage);
  }
  if (!status.ok()) return r.FailWith(status.error());
  out = std::move(outages);
}

void ReadFaults(Reader& r, FaultsConfig& c) {
  r.Seconds("disconnect_every_s", c.disconnect_every_s);
  r.Count("disconnect_after_pdus", c.disconnect_after_pdus);
  r.Flag("cut_pdu", c.cut_pdu);
  r.Flag("black_hole", c.black_hole);
  r.Flag("refuse_binds", c.refuse_binds);
  r.Code("bind_refuse_status", c.bind_refuse_status);
  ReadOutages(r, c.outages);
}

void ReadHttp(Reader& r, HttpConfig& c) {
  r.Token("token", c.token);
  r.Url("dlr_url", c.dlr_url);
  r.Token("dlr_token", c.dlr_token);
  r.Url("inbound_url", c.inbound_url);
  r.Range("dlr_connections", c.dlr_connections, 1, kMaxDlrConnections);
}

// The patch without the secrets it gives as kMaskedSecret, which keep their value.
Json WithoutMaskedSecrets(const Json& patch) {
  Json out = patch;
  if (!out.is_object() || !out.contains("http") || !out["http"].is_object()) return out;
  for (std::string_view key : kHttpSecrets) {
    auto it = out["http"].find(key);
    if (it != out["http"].end() && it->is_string() &&
        it->get_ref<const std::string&>() == kMaskedSecret) {
      out["http"].erase(it);
    }
  }
  return out;
}

std::string Shown(const std::string& secret, Secrets secrets) {
  return secrets == Secrets::kMask && !secret.empty() ? std::string(kMaskedSecret) : secret;
}

// Merges `patch` into `target` in place, refusing keys `target` lacks. Objects merge;
// anything else replaces (type checks come when the result is read).
Status MergeInto(Json& target, const Json& patch, const std::string& prefix) {
  if (!patch.is_object()) return Invalid(prefix.empty() ? "config" : prefix, "a JSON object");
  for (const auto& [key, value] : patch.items()) {
    const std::string path = Join(prefix, key);
    auto it = target.find(key);
    if (it == target.end()) {
      return Error::Of("unknown_key", fmt::format("unknown key '{}'", path), path);
    }
    if (it->is_object()) {
      if (Status s = MergeInto(*it, value, path); !s.ok()) return s;
    } else {
      *it = value;
    }
  }
  return Status::Ok();
}

Json OutcomesJson(const OutcomeWeights& weights) {
  Json out = Json::object();
  for (size_t i = 0; i < kReceiptStats.size(); ++i) out[std::string(kReceiptStats[i])] = weights[i];
  return out;
}

}  // namespace

std::string_view ToString(IdForm form) { return kIdFormNames[static_cast<size_t>(form)]; }

std::optional<IdForm> ParseIdForm(std::string_view text) {
  for (size_t i = 0; i < kIdFormNames.size(); ++i) {
    if (kIdFormNames[i] == text) return static_cast<IdForm>(i);
  }
  return std::nullopt;
}

Json ToJson(const SimConfig& c, Secrets secrets) {
  Json outages = Json::array();
  for (const Outage& o : c.faults.outages) {
    outages.push_back({{"start_s", o.start_s}, {"duration_s", o.duration_s}});
  }
  return {
      {"auth", {{"system_id", c.auth.system_id}, {"password", c.auth.password}}},
      {"submit",
       {{"transient_rate", c.submit.transient_rate},
        {"transient_codes", c.submit.transient_codes},
        {"permanent_rate", c.submit.permanent_rate},
        {"permanent_code", c.submit.permanent_code},
        {"latency_ms", c.submit.latency_ms},
        {"latency_jitter_ms", c.submit.latency_jitter_ms},
        {"max_tps", c.submit.max_tps}}},
      {"receipts",
       {{"enabled", c.receipts.enabled},
        {"delay_ms_min", c.receipts.delay_ms_min},
        {"delay_ms_max", c.receipts.delay_ms_max},
        {"outcomes", OutcomesJson(c.receipts.outcomes)},
        {"duplicate_rate", c.receipts.duplicate_rate},
        {"drop_rate", c.receipts.drop_rate},
        {"early_rate", c.receipts.early_rate},
        {"id_form", ToString(c.receipts.id_form)},
        {"max_resends", c.receipts.max_resends}}},
      {"faults",
       {{"disconnect_every_s", c.faults.disconnect_every_s},
        {"disconnect_after_pdus", c.faults.disconnect_after_pdus},
        {"cut_pdu", c.faults.cut_pdu},
        {"black_hole", c.faults.black_hole},
        {"refuse_binds", c.faults.refuse_binds},
        {"bind_refuse_status", c.faults.bind_refuse_status},
        {"outages", outages}}},
      {"http",
       {{"token", Shown(c.http.token, secrets)},
        {"dlr_url", c.http.dlr_url},
        {"dlr_token", Shown(c.http.dlr_token, secrets)},
        {"inbound_url", c.http.inbound_url},
        {"dlr_connections", c.http.dlr_connections}}},
  };
}

Result<SimConfig> MergeConfig(const SimConfig& base, const Json& patch) {
  Json merged = ToJson(base);
  if (Status s = MergeInto(merged, WithoutMaskedSecrets(patch), ""); !s.ok()) return s.error();
  SimConfig out;
  Status status;
  Reader root(merged, "", status);
  root.Section("auth", [&](Reader& r) {
    r.Text("system_id", out.auth.system_id, 15);
    r.Text("password", out.auth.password, 8);
  });
  root.Section("submit", [&](Reader& r) { ReadSubmit(r, out.submit); });
  root.Section("receipts", [&](Reader& r) { ReadReceipts(r, out.receipts); });
  root.Section("faults", [&](Reader& r) { ReadFaults(r, out.faults); });
  root.Section("http", [&](Reader& r) { ReadHttp(r, out.http); });
  if (!status.ok()) return status.error();
  return out;
}

bool InOutage(const FaultsConfig& faults, double t) {
  for (const Outage& o : faults.outages) {
    if (t >= o.start_s && t < o.start_s + o.duration_s) return true;
  }
  return false;
}

}  // namespace deliverer::sim
