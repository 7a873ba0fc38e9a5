#include "auth/failure_throttle.h"

#include <stdexcept>

namespace postern::auth {

FailureThrottle::FailureThrottle(const core::Clock& clock, FailureThrottleOptions options)
    : clock_(clock), options_(options) {
  if (options_.maxFailures == 0 || options_.maxClients == 0)
    throw std::invalid_argument("auth::FailureThrottle: maxFailures and maxClients must be at least 1");
}

void FailureThrottle::dropExpired(std::deque<TimePoint>& times, TimePoint now) const {
  // A timestamp in the future (the clock went back) counts as fresh rather than vanishing early.
  while (!times.empty() && times.front() <= now - options_.window) times.pop_front();
}

bool FailureThrottle::blocked(std::string_view client) { return failures(client) >= options_.maxFailures; }

std::size_t FailureThrottle::failures(std::string_view client) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto it = failures_.find(std::string(client));
  if (it == failures_.end()) return 0;
  dropExpired(it->second, now);
  const std::size_t count = it->second.size();
  if (count == 0) failures_.erase(it);
  return count;
}

void FailureThrottle::recordFailure(std::string_view client) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  std::string key(client);
  if (failures_.find(key) == failures_.end() && failures_.size() >= options_.maxClients) makeRoom(now);
  auto& times = failures_[key];
  dropExpired(times, now);
  times.push_back(now);
  // Only the newest maxFailures matter for the decision.
  while (times.size() > options_.maxFailures) times.pop_front();
}

void FailureThrottle::makeRoom(TimePoint now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    dropExpired(it->second, now);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
  if (failures_.size() < options_.maxClients) return;
  auto stalest = failures_.begin();
  for (auto it = failures_.begin(); it != failures_.end(); ++it)
    if (it->second.back() < stalest->second.back()) stalest = it;
  failures_.erase(stalest);
}

std::size_t FailureThrottle::trackedClients() const {
  std::lock_guard lock(mutex_);
  return failures_.size();
}

}  // namespace postern::auth
