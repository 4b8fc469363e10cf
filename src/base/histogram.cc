#include "base/histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace footfall {
namespace {

// HELP text escapes backslash and newline (Prometheus text format 0.0.4).
void AppendEscapedHelp(std::string* out, std::string_view help) {
  for (const char c : help) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      out->push_back(c);
    }
  }
}

}  // namespace

std::string FormatSecondsExact(Micros us) {
  std::string out;
  if (us < 0) {
    out.push_back('-');
    // -(INT64_MIN) overflows; no duration this code formats comes near it.
    us = -us;
  }
  out += std::to_string(us / kMicrosPerSecond);
  Micros frac = us % kMicrosPerSecond;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 6 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out.push_back('.');
    out += digits;
  }
  return out;
}

Micros HistogramSnapshot::Quantile(double q) const {
  if (count == 0 || bounds.empty()) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the quantile among `count` values, 1-based; the smallest bucket reaching it.
  const auto rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count))));
  uint64_t seen = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return bounds[i];
  }
  return bounds.back();
}

void HistogramSnapshot::AppendPrometheus(std::string* out, std::string_view name,
                                         std::string_view help) const {
  const std::string n(name);
  *out += "# HELP " + n + " ";
  AppendEscapedHelp(out, help);
  *out += "\n# TYPE " + n + " histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts[i];
    *out += n + "_bucket{le=\"" + FormatSecondsExact(bounds[i]) + "\"} " +
            std::to_string(cumulative) + "\n";
  }
  *out += n + "_bucket{le=\"+Inf\"} " + std::to_string(count) + "\n";
  *out += n + "_sum " + FormatSecondsExact(sum) + "\n";
  *out += n + "_count " + std::to_string(count) + "\n";
}

Histogram::Histogram(std::vector<Micros> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()) &&
         std::adjacent_find(bounds_.begin(), bounds_.end()) == bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Record(Micros value) {
  value = std::max<Micros>(value, 0);
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
    s.count += s.counts[i];
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<Micros> Histogram::LatencyBounds() {
  return {50,     100,     250,     500,     1'000,     2'500,     5'000,     10'000,    25'000,
          50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
}

}  // namespace footfall
