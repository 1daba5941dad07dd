#pragma once
// Prometheus metrics: a registry of counter, gauge and histogram families and their text
// exposition (format 0.0.4). Metric names are an interface (docs/operations.md "Metrics").
//
// Thread-safety: Registry is thread-safe. Looking a child up takes the registry's lock, so
// hot paths look a child up once and keep the reference: children live as long as the
// registry and never move. Counter::Inc, Gauge::Set/Add and Histogram::Observe are
// lock-free (atomics) and may be called from any thread.
//
// Misuse (invalid names, one name with two types, a histogram re-declared with other
// buckets, children of one family with different label names) is a programming error
// and asserts.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/mutex.h"

namespace deliverer::metrics {

// Label name/value pairs. Order does not matter: the registry sorts them by name, so
// {{"a","1"},{"b","2"}} and {{"b","2"},{"a","1"}} name the same child.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Upper bounds (seconds) from 0.5 ms to 10 s, for request and delivery latencies.
const std::vector<double>& DefaultLatencyBuckets();

// A monotonically increasing value.
class Counter {
 public:
  // `by` MUST be ≥ 0.
  void Inc(double by = 1);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by);
  void Sub(double by) { Add(-by); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets with fixed upper bounds (inclusive, "le"); a final
// +Inf bucket catches the rest.
class Histogram {
 public:
  // `bounds` MUST be strictly increasing and finite.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  // A consistent-enough copy for rendering: cumulative counts, one per bound plus +Inf.
  struct Snapshot {
    std::vector<uint64_t> cumulative;
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the child of family `name` with `labels`, creating the family (with `help`)
  // and the child on first use. The reference stays valid for the registry's lifetime.
  metrics::Counter& Counter(std::string_view name, std::string_view help,
                            const Labels& labels = {});
  metrics::Gauge& Gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // `buckets` of the first call win; later calls MUST pass the same ones.
  metrics::Histogram& Histogram(std::string_view name, std::string_view help,
                                const Labels& labels = {},
                                const std::vector<double>& buckets = DefaultLatencyBuckets());

  // Declares a family without children, so it is rendered (HELP and TYPE lines) before
  // its first child exists, e.g. deliverer_messages_failed_total before any failure.
  void DeclareCounter(std::string_view name, std::string_view help);
  void DeclareGauge(std::string_view name, std::string_view help);
  void DeclareHistogram(std::string_view name, std::string_view help,
                        const std::vector<double>& buckets = DefaultLatencyBuckets());

  // Text exposition format 0.0.4: families sorted by name, children by labels.
  std::string Render() const;

  // Reads for in-process views (the dashboard's sampler), without rendering text. A name
  // not declared, or of another type, reads as no children.
  // Every child of counter (or gauge) family `name` with its labels, sorted by labels.
  std::vector<std::pair<Labels, double>> Values(std::string_view name) const;
  // The sum of Values(name).
  double Total(std::string_view name) const;
  // Histogram family `name`'s children merged into one (they share the family's bounds);
  // empty cumulative when the family is unknown. `bounds` receives the family's bounds.
  Histogram::Snapshot MergedHistogram(std::string_view name, std::vector<double>* bounds) const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  using Child = std::variant<metrics::Counter, metrics::Gauge, metrics::Histogram>;
  struct Family;

  Family& FindOrAddFamily(std::string_view name, std::string_view help, Type type,
                          const std::vector<double>& buckets) REQUIRES(mutex_);
  // `family` is one of families_, whose children mutex_ guards too.
  Child& FindOrAddChild(Family& family, Labels labels) REQUIRES(mutex_);
  static void RenderFamily(const Family& family, std::string& out);

  mutable common::Mutex mutex_;  // guards families_ and every family's children map
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_ GUARDED_BY(mutex_);
};

}  // namespace deliverer::metrics
