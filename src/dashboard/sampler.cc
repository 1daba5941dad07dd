#include "dashboard/sampler.h"

#include <algorithm>
#include <cmath>


namespace deliverer::dashboard {
namespace {

constexpr auto kEvery = std::chrono::seconds(1);
constexpr size_t kCodesShown = 20;

std::string LabelValue(const metrics::Labels& labels, std::string_view name) {
  for (const auto& [n, v] : labels) {
    if (n == name) return v;
  }
  return "";
}

double Rate(double newer, double older, int64_t dt_ms) {
  if (dt_ms <= 0 || newer < older) return 0;
  // Rounded to a thousandth: the page shows rates, not the counters' float noise.
  return std::round((newer - older) * 1000.0 / static_cast<double>(dt_ms) * 1000.0) / 1000.0;
}

nlohmann::json Seconds(double s) { return s < 0 ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace

double Quantile(const std::vector<double>& bounds, const std::vector<uint64_t>& newer,
                const std::vector<uint64_t>& older, double q) {
  auto at = [&](size_t i) { return newer[i] - (i < older.size() ? older[i] : 0); };
  if (newer.empty() || bounds.empty()) return -1;
  const uint64_t total = at(newer.size() - 1);
  if (total == 0) return -1;
  const double rank = q * static_cast<double>(total);
  for (size_t i = 0; i < newer.size(); ++i) {
    if (static_cast<double>(at(i)) < rank) continue;
    if (i >= bounds.size()) return bounds.back();
    const double lower = i == 0 ? 0 : bounds[i - 1];
    const double below = i == 0 ? 0 : static_cast<double>(at(i - 1));
    const double in_bucket = static_cast<double>(at(i)) - below;
    const double share = in_bucket > 0 ? (rank - below) / in_bucket : 1;
    return lower + (bounds[i] - lower) * share;
  }
  return bounds.back();
}

Sampler::Sampler(const metrics::Registry& metrics, const Clock& clock) : metrics_(metrics), clock_(clock) {}

void Sampler::Start() {
  thread_.Start("dashboard", [this] {
    Tick();
    return std::chrono::duration_cast<std::chrono::milliseconds>(kEvery);
  });
}

Sampler::Sample Sampler::Read(int64_t now_ms, std::vector<double>* bounds) const {
  Sample s;
  s.at_ms = now_ms;
  s.accepted = metrics_.Total("deliverer_messages_accepted_total");
  s.sent = metrics_.Total("deliverer_messages_sent_total");
  s.delivered = metrics_.Total("deliverer_messages_delivered_total");
  s.failed = metrics_.Total("deliverer_messages_failed_total");
  s.expired = metrics_.Total("deliverer_messages_expired_total");
  s.submit_latency = metrics_.MergedHistogram("deliverer_submit_latency_seconds", bounds).cumulative;
  s.delivery_latency = metrics_.MergedHistogram("deliverer_delivery_latency_seconds", bounds).cumulative;
  return s;
}

void Sampler::Tick() {
  const int64_t now_ms = clock_.NowUnixMillis();
  std::vector<double> bounds;
  Sample sample = Read(now_ms, &bounds);
  common::MutexLock lock(mutex_);
  if (!bounds.empty()) bounds_ = std::move(bounds);
  samples_.push_back(std::move(sample));
  if (samples_.size() > kSamples) samples_.pop_front();
  NoteCodes(now_ms);
}

void Sampler::NoteCodes(int64_t now_ms) {
  struct Family {
    const char* kind;
    const char* name;
    const char* code_label;
  };
  // A loop, not a lambda: the thread-safety analysis sees the lock held here only.
  for (const Family& family : {Family{"failed", "deliverer_messages_failed_total", "reason"},
                               Family{"carrier_error", "deliverer_carrier_errors_total", "code"}}) {
    for (const auto& [labels, value] : metrics_.Values(family.name)) {
      CodeCount& c = codes_[{family.kind, LabelValue(labels, "carrier"), LabelValue(labels, family.code_label)}];
      if (value > c.count) c.last_seen_ms = now_ms;
      c.count = value;
    }
  }
}

nlohmann::json Sampler::View(int64_t since_ms) const {
  common::MutexLock lock(mutex_);
  return nlohmann::json{{"interval_s", 1},
                        {"series", Series(since_ms)},
                        {"latency", Latency()},
                        {"failures", Codes("failed", "reason")},
                        {"carrier_errors", Codes("carrier_error", "code")},
                        {"webhooks", Webhooks()},
                        {"delivery_ratio", DeliveryRatio()},
                        {"canaries", Canaries()}};
}

nlohmann::json Sampler::Series(int64_t since_ms) const {
  nlohmann::json t = nlohmann::json::array(), accepted = t, sent = t, delivered = t, failed = t, expired = t;
  for (size_t i = 1; i < samples_.size(); ++i) {
    const Sample& now = samples_[i];
    const Sample& before = samples_[i - 1];
    if (now.at_ms <= since_ms) continue;
    const int64_t dt = now.at_ms - before.at_ms;
    t.push_back(now.at_ms);
    accepted.push_back(Rate(now.accepted, before.accepted, dt));
    sent.push_back(Rate(now.sent, before.sent, dt));
    delivered.push_back(Rate(now.delivered, before.delivered, dt));
    failed.push_back(Rate(now.failed, before.failed, dt));
    expired.push_back(Rate(now.expired, before.expired, dt));
  }
  return {{"t", t}, {"accepted", accepted}, {"sent", sent}, {"delivered", delivered},
          {"failed", failed}, {"expired", expired}};
}

nlohmann::json Sampler::Latency() const {
  nlohmann::json out = {{"window_s", kLatencyWindow}};
  const Sample* newest = samples_.empty() ? nullptr : &samples_.back();
  const Sample* oldest =
      samples_.size() > kLatencyWindow ? &samples_[samples_.size() - 1 - kLatencyWindow] : nullptr;
  static const std::vector<uint64_t> kNone;
  for (const char* name : {"submit", "delivery"}) {
    const bool submit = std::string_view(name) == "submit";
    const std::vector<uint64_t>& newer = newest == nullptr ? kNone : submit ? newest->submit_latency : newest->delivery_latency;
    const std::vector<uint64_t>& older = oldest == nullptr ? kNone : submit ? oldest->submit_latency : oldest->delivery_latency;
    out[name] = {{"p50_s", Seconds(Quantile(bounds_, newer, older, 0.5))},
                 {"p99_s", Seconds(Quantile(bounds_, newer, older, 0.99))}};
  }
  return out;
}

nlohmann::json Sampler::Codes(const std::string& kind, const char* code_name) const {
  std::vector<std::pair<const CodeKey*, const CodeCount*>> rows;
  for (const auto& [key, count] : codes_) {
    if (std::get<0>(key) == kind && count.count > 0) rows.emplace_back(&key, &count);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second->last_seen_ms > b.second->last_seen_ms;
  });
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < rows.size() && i < kCodesShown; ++i) {
    out.push_back({{"carrier", std::get<1>(*rows[i].first)},
                   {code_name, std::get<2>(*rows[i].first)},
                   {"count", rows[i].second->count},
                   {"last_seen_ms", rows[i].second->last_seen_ms}});
  }
  return out;
}

nlohmann::json Sampler::Webhooks() const {
  nlohmann::json out = {{"queued", metrics_.Total("deliverer_webhook_events_queued")},
                        {"posting", metrics_.Total("deliverer_webhook_posts_in_flight")},
                        {"delivered", 0}, {"failed", 0}, {"given_up", 0}};
  for (const auto& [labels, value] : metrics_.Values("deliverer_webhook_deliveries_total")) {
    const std::string outcome = LabelValue(labels, "outcome");
    if (out.contains(outcome)) out[outcome] = value;
  }
  return out;
}

nlohmann::json Sampler::DeliveryRatio() const {
  std::map<std::string, double> delivered;
  for (const auto& [labels, value] : metrics_.Values("deliverer_messages_delivered_total")) {
    delivered[LabelValue(labels, "carrier")] += value;
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [labels, sent] : metrics_.Values("deliverer_messages_sent_total")) {
    if (sent > 0) out[LabelValue(labels, "carrier")] = std::min(1.0, delivered[LabelValue(labels, "carrier")] / sent);
  }
  return out;
}

nlohmann::json Sampler::Canaries() const {
  // flag → arm → outcome → count
  std::map<std::string, std::map<std::string, std::map<std::string, double>>> counts;
  for (const auto& [labels, value] : metrics_.Values("deliverer_canary_outcomes_total")) {
    counts[LabelValue(labels, "flag")][LabelValue(labels, "arm")][LabelValue(labels, "outcome")] += value;
  }
  std::map<std::string, bool> halted;
  for (const auto& [labels, value] : metrics_.Values("deliverer_canary_halted")) {
    halted[LabelValue(labels, "flag")] = value > 0;
    counts[LabelValue(labels, "flag")];  // a roll-out without traffic yet is shown too
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [flag, arms] : counts) {
    nlohmann::json shown = nlohmann::json::object();
    for (const char* arm : {"canary", "control"}) {
      std::map<std::string, double>& c = arms[arm];
      const double submits = c["accepted"] + c["submit_error"];
      const double ended = c["delivered"] + c["undelivered"];
      shown[arm] = {{"submits", submits},
                    {"submit_error_ratio", submits > 0 ? nlohmann::json(c["submit_error"] / submits) : nlohmann::json(nullptr)},
                    {"ended", ended},
                    {"delivery_ratio", ended > 0 ? nlohmann::json(c["delivered"] / ended) : nlohmann::json(nullptr)}};
    }
    out.push_back({{"flag", flag}, {"halted", halted[flag]}, {"arms", shown}});
  }
  return out;
}

}  // namespace deliverer::dashboard
