#include "metrics/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

namespace deliverer::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// [a-zA-Z_:][a-zA-Z0-9_:]*
[[maybe_unused]] bool ValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsNameChar(c) || c == ':'; });
}

// [a-zA-Z_][a-zA-Z0-9_]*, and names starting with "__" are reserved.
[[maybe_unused]] bool ValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) return false;
  return std::all_of(name.begin(), name.end(), IsNameChar);
}

[[maybe_unused]] bool ValidBuckets(const std::vector<double>& bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) return false;
    if (i > 0 && bounds[i] <= bounds[i - 1]) return false;
  }
  return true;
}

// Sorted by name, every name valid and unique; "le" is the histograms' bucket label.
[[maybe_unused]] bool ValidLabels(const Labels& sorted, bool histogram) {
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (!ValidLabelName(sorted[i].first)) return false;
    if (histogram && sorted[i].first == "le") return false;
    if (i > 0 && sorted[i].first == sorted[i - 1].first) return false;
  }
  return true;
}

std::vector<std::string> LabelNames(const Labels& labels) {
  std::vector<std::string> names;
  for (const auto& [name, value] : labels) names.push_back(name);
  return names;
}

// Go's strconv formatting as Prometheus expects it: +Inf, -Inf, NaN, else shortest form.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void AppendEscaped(std::string_view text, bool escape_quotes, std::string& out) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="1",b="2"}`, with an optional extra `le` label last; nothing when there are no labels.
void AppendLabels(const Labels& labels, std::string_view le, std::string& out) {
  if (labels.empty() && le.empty()) return;
  out += '{';
  for (const auto& [name, value] : labels) {
    if (out.back() != '{') out += ',';
    out += name;
    out += "=\"";
    AppendEscaped(value, /*escape_quotes=*/true, out);
    out += '"';
  }
  if (!le.empty()) {
    if (out.back() != '{') out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string_view name, const Labels& labels, std::string_view le,
                  std::string_view value, std::string& out) {
  out += name;
  AppendLabels(labels, le, out);
  out += ' ';
  out += value;
  out += '\n';
}

void AppendHistogram(const std::string& name, const Labels& labels, const Histogram& histogram,
                     std::string& out) {
  const Histogram::Snapshot snapshot = histogram.Read();
  const std::vector<double>& bounds = histogram.bounds();
  const std::string bucket = name + "_bucket";
  for (size_t i = 0; i < snapshot.cumulative.size(); ++i) {
    const std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
    AppendSample(bucket, labels, le, fmt::format("{}", snapshot.cumulative[i]), out);
  }
  AppendSample(name + "_sum", labels, {}, FormatValue(snapshot.sum), out);
  AppendSample(name + "_count", labels, {}, fmt::format("{}", snapshot.count), out);
}

}  // namespace

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

void Counter::Inc(double by) {
  assert(by >= 0 && "counters only go up");
  value_.fetch_add(by, std::memory_order_relaxed);
}

void Gauge::Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  assert(ValidBuckets(bounds_));
}

void Histogram::Observe(double value) {
  // The first bound ≥ value; NaN belongs to no finite bucket, so it lands in +Inf.
  size_t index = bounds_.size();
  if (!std::isnan(value)) {
    index = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  }
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    snapshot.count += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(snapshot.count);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

struct Registry::Family {
  std::string name;
  std::string help;
  Type type;
  std::vector<double> buckets;           // histograms only
  std::vector<std::string> label_names;  // of the first child; all children share them
  std::map<Labels, std::unique_ptr<Child>> children;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::FindOrAddFamily(std::string_view name, std::string_view help, Type type,
                                            const std::vector<double>& buckets) {
  auto it = families_.find(name);
  if (it != families_.end()) {
    assert(it->second->type == type && "one metric name, two types");
    assert((type != Type::kHistogram || it->second->buckets == buckets) &&
           "histogram re-declared with other buckets");
    return *it->second;
  }
  assert(ValidMetricName(name));
  auto family =
      std::make_unique<Family>(Family{std::string(name), std::string(help), type, buckets, {}, {}});
  return *families_.emplace(std::string(name), std::move(family)).first->second;
}

Registry::Child& Registry::FindOrAddChild(Family& family, Labels labels) {
  std::sort(labels.begin(), labels.end());
  auto it = family.children.find(labels);
  if (it != family.children.end()) return *it->second;
  assert(ValidLabels(labels, family.type == Type::kHistogram));
  if (family.children.empty()) {
    family.label_names = LabelNames(labels);
  } else {
    assert(family.label_names == LabelNames(labels) && "children with other label names");
  }
  std::unique_ptr<Child> child;
  switch (family.type) {
    case Type::kCounter:
      child = std::make_unique<Child>(std::in_place_type<metrics::Counter>);
      break;
    case Type::kGauge:
      child = std::make_unique<Child>(std::in_place_type<metrics::Gauge>);
      break;
    case Type::kHistogram:
      child = std::make_unique<Child>(std::in_place_type<metrics::Histogram>, family.buckets);
      break;
  }
  return *family.children.emplace(std::move(labels), std::move(child)).first->second;
}

metrics::Counter& Registry::Counter(std::string_view name, std::string_view help,
                                    const Labels& labels) {
  common::MutexLock lock(mutex_);
  Family& family = FindOrAddFamily(name, help, Type::kCounter, {});
  return std::get<metrics::Counter>(FindOrAddChild(family, labels));
}

metrics::Gauge& Registry::Gauge(std::string_view name, std::string_view help,
                                const Labels& labels) {
  common::MutexLock lock(mutex_);
  Family& family = FindOrAddFamily(name, help, Type::kGauge, {});
  return std::get<metrics::Gauge>(FindOrAddChild(family, labels));
}

metrics::Histogram& Registry::Histogram(std::string_view name, std::string_view help,
                                        const Labels& labels, const std::vector<double>& buckets) {
  common::MutexLock lock(mutex_);
  Family& family = FindOrAddFamily(name, help, Type::kHistogram, buckets);
  return std::get<metrics::Histogram>(FindOrAddChild(family, labels));
}

void Registry::DeclareCounter(std::string_view name, std::string_view help) {
  common::MutexLock lock(mutex_);
  FindOrAddFamily(name, help, Type::kCounter, {});
}

void Registry::DeclareGauge(std::string_view name, std::string_view help) {
  common::MutexLock lock(mutex_);
  FindOrAddFamily(name, help, Type::kGauge, {});
}

void Registry::DeclareHistogram(std::string_view name, std::string_view help,
                                const std::vector<double>& buckets) {
  common::MutexLock lock(mutex_);
  FindOrAddFamily(name, help, Type::kHistogram, buckets);
}

void Registry::RenderFamily(const Family& family, std::string& out) {
  out += "# HELP " + family.name + ' ';
  AppendEscaped(family.help, /*escape_quotes=*/false, out);
  constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};
  out += fmt::format("\n# TYPE {} {}\n", family.name, kTypeNames[static_cast<int>(family.type)]);
  for (const auto& [labels, child] : family.children) {
    if (const auto* counter = std::get_if<metrics::Counter>(child.get())) {
      AppendSample(family.name, labels, {}, FormatValue(counter->Value()), out);
    } else if (const auto* gauge = std::get_if<metrics::Gauge>(child.get())) {
      AppendSample(family.name, labels, {}, FormatValue(gauge->Value()), out);
    } else {
      AppendHistogram(family.name, labels, std::get<metrics::Histogram>(*child), out);
    }
  }
}

std::string Registry::Render() const {
  common::MutexLock lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) RenderFamily(*family, out);
  return out;
}

std::vector<std::pair<Labels, double>> Registry::Values(std::string_view name) const {
  std::vector<std::pair<Labels, double>> out;
  common::MutexLock lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end() || it->second->type == Type::kHistogram) return out;
  for (const auto& [labels, child] : it->second->children) {
    const double value = std::holds_alternative<metrics::Counter>(*child)
                             ? std::get<metrics::Counter>(*child).Value()
                             : std::get<metrics::Gauge>(*child).Value();
    out.emplace_back(labels, value);
  }
  return out;
}

double Registry::Total(std::string_view name) const {
  double total = 0;
  for (const auto& [labels, value] : Values(name)) total += value;
  return total;
}

Histogram::Snapshot Registry::MergedHistogram(std::string_view name, std::vector<double>* bounds) const {
  Histogram::Snapshot merged;
  common::MutexLock lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end() || it->second->type != Type::kHistogram) return merged;
  *bounds = it->second->buckets;
  merged.cumulative.assign(bounds->size() + 1, 0);
  for (const auto& [labels, child] : it->second->children) {
    const Histogram::Snapshot one = std::get<metrics::Histogram>(*child).Read();
    for (size_t i = 0; i < one.cumulative.size() && i < merged.cumulative.size(); ++i) {
      merged.cumulative[i] += one.cumulative[i];
    }
    merged.sum += one.sum;
    merged.count += one.count;
  }
  return merged;
}

}  // namespace deliverer::metrics
