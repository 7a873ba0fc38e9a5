#include "auth/failure_throttle.h"

#include <stdexcept>
#include <utility>

namespace postern::auth {

FailureThrottle::Reservation::Reservation(Reservation&& other) noexcept
    : throttle_(std::exchange(other.throttle_, nullptr)), client_(std::move(other.client_)) {}

FailureThrottle::Reservation& FailureThrottle::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    throttle_ = std::exchange(other.throttle_, nullptr);
    client_ = std::move(other.client_);
  }
  return *this;
}

void FailureThrottle::Reservation::confirmFailure() {
  if (!throttle_) return;
  std::exchange(throttle_, nullptr)->confirm(client_);
}

void FailureThrottle::Reservation::release() noexcept {
  if (!throttle_) return;
  std::exchange(throttle_, nullptr)->release(client_);
}

FailureThrottle::FailureThrottle(const core::Clock& clock, FailureThrottleOptions options)
    : clock_(clock), options_(options) {
  if (options_.maxFailures == 0 || options_.maxClients == 0)
    throw std::invalid_argument("auth::FailureThrottle: maxFailures and maxClients must be at least 1");
}

void FailureThrottle::dropExpired(std::deque<TimePoint>& times, TimePoint now) const {
  // A timestamp in the future (the clock went back) counts as fresh rather than vanishing early.
  while (!times.empty() && times.front() <= now - options_.window) times.pop_front();
}

FailureThrottle::ClientState* FailureThrottle::current(const std::string& key, TimePoint now) {
  const auto it = clients_.find(key);
  if (it == clients_.end()) return nullptr;
  dropExpired(it->second.failures, now);
  if (it->second.failures.empty() && it->second.reserved == 0) {
    clients_.erase(it);
    return nullptr;
  }
  return &it->second;
}

FailureThrottle::ClientState& FailureThrottle::entry(const std::string& key, TimePoint now) {
  if (auto* state = current(key, now)) return *state;
  if (clients_.size() >= options_.maxClients) makeRoom(now);
  return clients_[key];
}

void FailureThrottle::addFailure(ClientState& state, TimePoint now) {
  state.failures.push_back(now);
  // Only the newest maxFailures matter for the decision.
  while (state.failures.size() > options_.maxFailures) state.failures.pop_front();
}

FailureThrottle::Reservation FailureThrottle::tryReserve(std::string_view client) {
  const auto now = clock_.now();
  std::string key(client);
  std::lock_guard lock(mutex_);
  if (const auto* state = current(key, now);
      state && state->failures.size() + state->reserved >= options_.maxFailures)
    return Reservation();
  ++entry(key, now).reserved;
  return Reservation(*this, std::move(key));
}

bool FailureThrottle::blocked(std::string_view client) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto* state = current(std::string(client), now);
  return state && state->failures.size() + state->reserved >= options_.maxFailures;
}

std::size_t FailureThrottle::failures(std::string_view client) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto* state = current(std::string(client), now);
  return state ? state->failures.size() : 0;
}

std::size_t FailureThrottle::reservations(std::string_view client) const {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(std::string(client));
  return it == clients_.end() ? 0 : it->second.reserved;
}

void FailureThrottle::recordFailure(std::string_view client) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  addFailure(entry(std::string(client), now), now);
}

void FailureThrottle::forget(std::string_view client) {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(std::string(client));
  if (it == clients_.end()) return;
  it->second.failures.clear();
  if (it->second.reserved == 0) clients_.erase(it);
}

void FailureThrottle::forgetAll() {
  std::lock_guard lock(mutex_);
  for (auto it = clients_.begin(); it != clients_.end();) {
    it->second.failures.clear();
    it = it->second.reserved == 0 ? clients_.erase(it) : std::next(it);
  }
}

void FailureThrottle::confirm(const std::string& key) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto& state = clients_[key];  // present: an entry holding reservations is never pruned
  if (state.reserved > 0) --state.reserved;
  dropExpired(state.failures, now);
  addFailure(state, now);
}

void FailureThrottle::release(const std::string& key) noexcept {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(key);
  if (it == clients_.end()) return;
  if (it->second.reserved > 0) --it->second.reserved;
  if (it->second.reserved == 0 && it->second.failures.empty()) clients_.erase(it);
}

void FailureThrottle::makeRoom(TimePoint now) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    dropExpired(it->second.failures, now);
    it = it->second.failures.empty() && it->second.reserved == 0 ? clients_.erase(it) : std::next(it);
  }
  if (clients_.size() < options_.maxClients) return;
  // Clients with an attempt in flight stay: dropping them would hand their slots back early.
  auto stalest = clients_.end();
  for (auto it = clients_.begin(); it != clients_.end(); ++it) {
    if (it->second.reserved > 0 || it->second.failures.empty()) continue;
    if (stalest == clients_.end() || it->second.failures.back() < stalest->second.failures.back())
      stalest = it;
  }
  if (stalest != clients_.end()) clients_.erase(stalest);
}

std::size_t FailureThrottle::trackedClients() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace postern::auth
