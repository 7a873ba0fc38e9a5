// core::Clock — the source of wall-clock time, injectable so tests control time without sleeping.
//
// Thread-safety: SystemClock is stateless; a FakeClock (tests) is not synchronised.
#pragma once

#include <chrono>

namespace postern::core {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

}  // namespace postern::core
