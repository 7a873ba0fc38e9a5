// Figures the benchmarks share: the nearest-rank percentile of a set of latencies.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace postern::bench {

// p in [0, 1]; 0 for an empty set.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(index, v.size() - 1)];
}

}  // namespace postern::bench
