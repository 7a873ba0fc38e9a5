// metrics::Registry — Postern's counters, gauges and histograms, rendered in the Prometheus text
// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/) for GET /metrics.
//
// Owns: the metric types and their rendering (HELP and TYPE lines, label and help escaping, cumulative
// `_bucket{le=...}` lines up to "+Inf", `_sum`, `_count`). Cardinality is bounded by construction: a
// labelled family is registered with every value its label may take, and a value outside that set is never
// created (LabelledCounter::at throws std::out_of_range, find() returns null), so nothing a client sends
// (a login, an address) can become a label. Names are checked at registration: counters end in `_total`,
// every name matches the Prometheus grammar, no name is registered twice (std::logic_error otherwise).
// Must not know: what is measured (the modules report through their own ports; app/ wires them here).
// Thread-safety: register while wiring, on one thread, before render() runs. Counters and histograms are
// lock-free (relaxed atomics) and may be updated from any thread while render() runs on others. Gauge
// callbacks run inside render(), on the scraping thread, and must be thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A counter family with one label whose values are all known when it is registered.
class LabelledCounter {
 public:
  LabelledCounter(std::string label, const std::vector<std::string>& values);
  // The counter of one label value; std::out_of_range for a value not registered.
  Counter& at(std::string_view value);
  // The counter of one label value, or null for a value not registered.
  Counter* find(std::string_view value);
  const std::string& label() const { return label_; }
  const std::vector<std::pair<std::string, std::unique_ptr<Counter>>>& series() const { return series_; }

 private:
  std::string label_;
  std::vector<std::pair<std::string, std::unique_ptr<Counter>>> series_;
};

// Observations counted into fixed buckets (upper bounds, strictly increasing, "+Inf" implied).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upperBounds);
  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // per upper bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;  // equals cumulative.back()
  };
  Snapshot snapshot() const;
  const std::vector<double>& upperBounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, then +Inf; not cumulative
  std::atomic<double> sum_{0};
};

// A gauge's value, read when scraped; nullopt leaves the sample out (nothing to report).
using GaugeReading = std::function<std::optional<double>()>;

// Bucket bounds in seconds for a network round trip, from 5 ms to a minute.
inline std::vector<double> defaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The references stay valid for the registry's lifetime.
  Counter& counter(std::string name, std::string help);
  LabelledCounter& labelledCounter(std::string name, std::string help, std::string label,
                                   const std::vector<std::string>& values);
  Histogram& histogram(std::string name, std::string help, std::vector<double> upperBounds);
  void gauge(std::string name, std::string help, GaugeReading reading);
  // One gauge per label value, each with its reading.
  void labelledGauge(std::string name, std::string help, std::string label,
                     std::vector<std::pair<std::string, GaugeReading>> readings);

  // Every metric in registration order, text format 0.0.4.
  std::string render() const;

 private:
  struct Metric;
  Metric& add(std::string name, std::string help, const char* type);
  std::vector<std::unique_ptr<Metric>> metrics_;
};

// Renders a sample value as the format expects: integers without a fraction, "+Inf", "-Inf", "NaN", and
// the shortest text that reads back as the same double otherwise.
std::string formatValue(double value);
// Escapes a label value (backslash, double quote, line feed) and a HELP text (backslash, line feed).
std::string escapeLabelValue(std::string_view value);
std::string escapeHelp(std::string_view help);

}  // namespace postern::metrics
