#include "metrics/registry.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace postern::metrics {

namespace {

// https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels
bool isMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool isLabelName(std::string_view name) {
  // Names starting with "__" are reserved for Prometheus' own use.
  return isMetricName(name) && name.find(':') == std::string_view::npos && !name.starts_with("__");
}

void requireLabel(const std::string& metric, const std::string& label) {
  if (!isLabelName(label) || label == "le")
    throw std::logic_error("metric " + metric + ": invalid label name '" + label + "'");
}

struct LabelledGauge {
  std::string label;
  std::vector<std::pair<std::string, GaugeReading>> readings;
};

}  // namespace

struct Registry::Metric {
  std::string name;
  std::string help;
  const char* type = "";
  std::variant<std::monostate, std::unique_ptr<Counter>, std::unique_ptr<LabelledCounter>,
               std::unique_ptr<Histogram>, GaugeReading, LabelledGauge>
      body;
};

LabelledCounter::LabelledCounter(std::string label, const std::vector<std::string>& values)
    : label_(std::move(label)) {
  for (const auto& value : values) {
    if (find(value)) throw std::logic_error("label value '" + value + "' given twice");
    series_.emplace_back(value, std::make_unique<Counter>());
  }
}

Counter* LabelledCounter::find(std::string_view value) {
  for (auto& [name, counter] : series_)
    if (name == value) return counter.get();
  return nullptr;
}

Counter& LabelledCounter::at(std::string_view value) {
  if (Counter* counter = find(value)) return *counter;
  throw std::out_of_range("no series " + label_ + "=\"" + std::string(value) + "\"");
}

Histogram::Histogram(std::vector<double> upperBounds)
    : bounds_(std::move(upperBounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw std::logic_error("histogram bounds must be finite and strictly increasing");
  }
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;  // "le": a value on a bound belongs to it
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // _count is the +Inf bucket, as the format requires, even while observations race with the scrape.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Metric& Registry::add(std::string name, std::string help, const char* type) {
  if (!isMetricName(name)) throw std::logic_error("invalid metric name '" + name + "'");
  if (std::string_view(type) == "counter" && !name.ends_with("_total"))
    throw std::logic_error("counter " + name + " must end in _total");
  for (const auto& m : metrics_)
    if (m->name == name) throw std::logic_error("metric " + name + " registered twice");
  auto metric = std::make_unique<Metric>();
  metric->name = std::move(name);
  metric->help = std::move(help);
  metric->type = type;
  metrics_.push_back(std::move(metric));
  return *metrics_.back();
}

Counter& Registry::counter(std::string name, std::string help) {
  Metric& m = add(std::move(name), std::move(help), "counter");
  auto counter = std::make_unique<Counter>();
  Counter& out = *counter;
  m.body = std::move(counter);
  return out;
}

LabelledCounter& Registry::labelledCounter(std::string name, std::string help, std::string label,
                                           const std::vector<std::string>& values) {
  requireLabel(name, label);
  auto family = std::make_unique<LabelledCounter>(std::move(label), values);
  Metric& m = add(std::move(name), std::move(help), "counter");
  LabelledCounter& out = *family;
  m.body = std::move(family);
  return out;
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<double> upperBounds) {
  auto histogram = std::make_unique<Histogram>(std::move(upperBounds));
  Metric& m = add(std::move(name), std::move(help), "histogram");
  Histogram& out = *histogram;
  m.body = std::move(histogram);
  return out;
}

void Registry::gauge(std::string name, std::string help, GaugeReading reading) {
  add(std::move(name), std::move(help), "gauge").body = std::move(reading);
}

void Registry::labelledGauge(std::string name, std::string help, std::string label,
                             std::vector<std::pair<std::string, GaugeReading>> readings) {
  requireLabel(name, label);
  add(std::move(name), std::move(help), "gauge").body = LabelledGauge{std::move(label), std::move(readings)};
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, timestamps) as integers: "1800000000", not the shortest form "1.8e+09".
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0)  // 2^53: exact in a double
    return std::to_string(static_cast<long long>(value));
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round trip
  return std::string(buffer, result.ptr);
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

namespace {

std::string sample(const std::string& name, const std::string& labels, const std::string& value) {
  return name + (labels.empty() ? "" : "{" + labels + "}") + " " + value + "\n";
}

std::string label(const std::string& name, std::string_view value) {
  return name + "=\"" + escapeLabelValue(value) + "\"";
}

// A gauge whose source fails (a certificate file being replaced) is left out of this scrape: the rest of
// the page is still worth having, and the series' absence is what an alert on absent() notices.
std::optional<double> read(const GaugeReading& reading) {
  try {
    return reading();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string Registry::render() const {
  std::string out;
  for (const auto& m : metrics_) {
    out += "# HELP " + m->name + " " + escapeHelp(m->help) + "\n";
    out += "# TYPE " + m->name + " " + m->type + "\n";
    if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&m->body)) {
      out += sample(m->name, "", std::to_string((*c)->value()));
    } else if (const auto* f = std::get_if<std::unique_ptr<LabelledCounter>>(&m->body)) {
      for (const auto& [value, counter] : (*f)->series())
        out += sample(m->name, label((*f)->label(), value), std::to_string(counter->value()));
    } else if (const auto* h = std::get_if<std::unique_ptr<Histogram>>(&m->body)) {
      const Histogram::Snapshot s = (*h)->snapshot();
      const auto& bounds = (*h)->upperBounds();
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        const std::string le = i < bounds.size() ? formatValue(bounds[i]) : "+Inf";
        out += sample(m->name + "_bucket", label("le", le), std::to_string(s.cumulative[i]));
      }
      out += sample(m->name + "_sum", "", formatValue(s.sum));
      out += sample(m->name + "_count", "", std::to_string(s.count));
    } else if (const auto* g = std::get_if<GaugeReading>(&m->body)) {
      if (const auto value = read(*g)) out += sample(m->name, "", formatValue(*value));
    } else if (const auto* lg = std::get_if<LabelledGauge>(&m->body)) {
      for (const auto& [value, reading] : lg->readings)
        if (const auto v = read(reading)) out += sample(m->name, label(lg->label, value), formatValue(*v));
    }
  }
  return out;
}

}  // namespace postern::metrics
