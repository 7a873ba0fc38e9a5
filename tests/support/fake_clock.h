// FakeClock — a core::Clock the test moves by hand, so expiry and windows are tested without sleeping.
// Safe to read from several threads while the test thread is not advancing it.
#pragma once

#include <atomic>
#include <chrono>

#include "core/clock.h"

namespace postern::test {

class FakeClock : public core::Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'800'000'000))) : now_(start) {}
  TimePoint now() const override { return now_.load(); }
  void advance(std::chrono::system_clock::duration d) { now_.store(now_.load() + d); }

 private:
  std::atomic<TimePoint> now_;
};

}  // namespace postern::test
