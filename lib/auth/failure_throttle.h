// auth::FailureThrottle — counts failed AUTH attempts per client address in a sliding window; once a
// client reaches maxFailures within window, blocked() is true and the caller refuses AUTH with a
// temporary error (454 4.7.0) until enough of those failures have aged out of the window.
//
// A successful login does not clear the count: otherwise one valid account would let a client keep
// guessing the passwords of others. Memory is bounded: a client keeps at most maxFailures timestamps,
// and at most maxClients clients are tracked (entries whose failures all aged out are pruned first,
// then the client with the oldest latest failure).
// The key is whatever the caller passes (normally the IP address text); mapping IPv6 clients to their
// /64 is the caller's choice.
//
// Must not know: sockets, SMTP. Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace postern::auth {

struct FailureThrottleOptions {
  std::size_t maxFailures = 10;
  std::chrono::seconds window{600};
  std::size_t maxClients = 100000;
};

class FailureThrottle {
 public:
  explicit FailureThrottle(const core::Clock& clock = core::SystemClock::instance(),
                           FailureThrottleOptions options = {});

  bool blocked(std::string_view client);
  void recordFailure(std::string_view client);
  // Failures of this client still inside the window.
  std::size_t failures(std::string_view client);
  std::size_t trackedClients() const;

 private:
  using TimePoint = core::Clock::TimePoint;
  void dropExpired(std::deque<TimePoint>& times, TimePoint now) const;
  void makeRoom(TimePoint now);

  const core::Clock& clock_;
  const FailureThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> failures_;  // oldest first
};

}  // namespace postern::auth
