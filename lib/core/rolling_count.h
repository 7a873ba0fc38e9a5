// core::RollingCount — how many events happened within the last `window` (a day, for the admin
// dashboard's "accepted in the last 24 hours"), counted in one-minute buckets so that memory stays fixed
// whatever the rate: window / 1 min counters, each remembering which minute it holds.
//
// Counts live in memory only: after a restart the window starts empty (the dashboard says "since start"
// when the process is younger than the window). Must not know: what is counted.
// Thread-safety: thread-safe (one mutex; add() is a few instructions under it).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/clock.h"

namespace postern::core {

class RollingCount {
 public:
  explicit RollingCount(const Clock& clock = SystemClock::instance(),
                        std::chrono::minutes window = std::chrono::hours(24))
      : clock_(clock), buckets_(static_cast<std::size_t>(window.count() > 0 ? window.count() : 1)) {}

  void add(std::uint64_t n = 1) {
    const std::int64_t minute = minuteNow();
    std::lock_guard lock(mutex_);
    Bucket& bucket = buckets_[slot(minute)];
    if (bucket.minute != minute) bucket = Bucket{minute, 0};
    bucket.count += n;
  }

  // Events in the current minute and the window's earlier minutes.
  std::uint64_t total() const {
    const std::int64_t minute = minuteNow();
    const auto oldest = minute - static_cast<std::int64_t>(buckets_.size()) + 1;
    std::lock_guard lock(mutex_);
    std::uint64_t sum = 0;
    for (const Bucket& bucket : buckets_)
      if (bucket.minute >= oldest && bucket.minute <= minute) sum += bucket.count;
    return sum;
  }

 private:
  struct Bucket {
    std::int64_t minute = -1;
    std::uint64_t count = 0;
  };

  std::int64_t minuteNow() const {
    return std::chrono::duration_cast<std::chrono::minutes>(clock_.now().time_since_epoch()).count();
  }
  std::size_t slot(std::int64_t minute) const {
    const auto n = static_cast<std::int64_t>(buckets_.size());
    return static_cast<std::size_t>(((minute % n) + n) % n);
  }

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<Bucket> buckets_;
};

}  // namespace postern::core
