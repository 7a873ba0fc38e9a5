#include "limits/sending_limits.h"

#include <algorithm>

namespace postern::limits {

Limits effectiveLimits(const Limits& defaults, const Overrides& overrides) {
  return Limits{overrides.messagesPerHour.value_or(defaults.messagesPerHour),
                overrides.recipientsPerDay.value_or(defaults.recipientsPerDay)};
}

const char* kindName(Kind kind) {
  return kind == Kind::MessagesPerHour ? "messages_per_hour" : "recipients_per_day";
}

Allowance allowance(const Limits& limits, const Usage& usage) {
  const auto left = [](std::uint64_t limit, std::uint64_t used) -> std::optional<std::uint64_t> {
    if (limit == 0) return std::nullopt;
    return used >= limit ? 0 : limit - used;
  };
  return Allowance{left(limits.messagesPerHour, usage.messagesLastHour),
                   left(limits.recipientsPerDay, usage.recipientsLastDay)};
}

SendingCounter::SendingCounter(const core::Clock& clock, std::size_t maxLogins)
    : clock_(clock), maxLogins_(std::max<std::size_t>(maxLogins, 1)) {}

std::int64_t SendingCounter::minuteNow() const {
  return std::chrono::duration_cast<std::chrono::minutes>(clock_.now().time_since_epoch()).count();
}

void SendingCounter::dropExpired(LoginState& state, std::int64_t now) const {
  while (!state.buckets.empty() && state.buckets.front().minute <= now - kMinutesPerDay)
    state.buckets.pop_front();
}

void SendingCounter::makeRoom(std::int64_t now) {
  if (logins_.size() < maxLogins_) return;
  for (auto it = logins_.begin(); it != logins_.end();) {
    dropExpired(it->second, now);
    it = it->second.buckets.empty() ? logins_.erase(it) : std::next(it);
  }
  while (logins_.size() >= maxLogins_) {
    auto oldest = std::min_element(logins_.begin(), logins_.end(), [](const auto& a, const auto& b) {
      return a.second.lastActive < b.second.lastActive;
    });
    logins_.erase(oldest);
  }
}

SendingCounter::Bucket& SendingCounter::bucketFor(const std::string& login, std::int64_t minute,
                                                  std::int64_t now) {
  auto it = logins_.find(login);
  if (it == logins_.end()) {
    makeRoom(now);
    it = logins_.emplace(login, LoginState{}).first;
  }
  LoginState& state = it->second;
  dropExpired(state, now);
  state.lastActive = std::max(state.lastActive, minute);
  // Buckets stay sorted by minute; new use lands at the back, seeded use may fall anywhere.
  auto pos = std::lower_bound(state.buckets.begin(), state.buckets.end(), minute,
                              [](const Bucket& b, std::int64_t m) { return b.minute < m; });
  if (pos == state.buckets.end() || pos->minute != minute) pos = state.buckets.insert(pos, Bucket{minute});
  return *pos;
}

void SendingCounter::seed(const std::vector<UsageBucket>& buckets) {
  const std::int64_t now = minuteNow();
  std::lock_guard lock(mutex_);
  for (const auto& b : buckets) {
    if (b.minute <= now - kMinutesPerDay || b.minute > now || b.login.empty()) continue;
    Bucket& bucket = bucketFor(b.login, b.minute, now);
    bucket.messages += b.messages;
    bucket.recipients += b.recipients;
    bucket.refusals += b.refusals;
  }
}

void SendingCounter::charge(std::string_view login, std::uint64_t recipients) {
  const std::int64_t now = minuteNow();
  const std::string key(login);
  std::lock_guard lock(mutex_);
  Bucket& bucket = bucketFor(key, now, now);
  bucket.messages += 1;
  bucket.recipients += recipients;
  UsageBucket& delta = pending_[{key, now}];
  delta.login = key;
  delta.minute = now;
  delta.messages += 1;
  delta.recipients += recipients;
}

void SendingCounter::recordRefusal(std::string_view login) {
  const std::int64_t now = minuteNow();
  const std::string key(login);
  std::lock_guard lock(mutex_);
  bucketFor(key, now, now).refusals += 1;
  UsageBucket& delta = pending_[{key, now}];
  delta.login = key;
  delta.minute = now;
  delta.refusals += 1;
}

Usage SendingCounter::usageOf(const LoginState& state, std::int64_t now) const {
  Usage u;
  for (const Bucket& b : state.buckets) {
    if (b.minute <= now - kMinutesPerDay || b.minute > now) continue;
    if (b.minute > now - kMinutesPerHour) u.messagesLastHour += b.messages;
    u.recipientsLastDay += b.recipients;
    u.refusalsLastDay += b.refusals;
    if (b.refusals > 0) u.lastRefusal = std::chrono::system_clock::time_point(std::chrono::minutes(b.minute));
  }
  return u;
}

Usage SendingCounter::usage(std::string_view login) const {
  const std::int64_t now = minuteNow();
  std::lock_guard lock(mutex_);
  const auto it = logins_.find(std::string(login));
  return it == logins_.end() ? Usage{} : usageOf(it->second, now);
}

std::vector<std::pair<std::string, Usage>> SendingCounter::all() const {
  const std::int64_t now = minuteNow();
  std::vector<std::pair<std::string, Usage>> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [login, state] : logins_) {
      Usage u = usageOf(state, now);
      if (u.messagesLastHour || u.recipientsLastDay || u.refusalsLastDay) out.emplace_back(login, u);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::size_t SendingCounter::trackedLogins() const {
  std::lock_guard lock(mutex_);
  return logins_.size();
}

std::vector<UsageBucket> SendingCounter::takePending() {
  std::lock_guard lock(mutex_);
  std::vector<UsageBucket> out;
  out.reserve(pending_.size());
  for (auto& [key, delta] : pending_) out.push_back(std::move(delta));
  pending_.clear();
  return out;
}

void SendingCounter::restorePending(const std::vector<UsageBucket>& deltas) {
  std::lock_guard lock(mutex_);
  for (const auto& d : deltas) {
    UsageBucket& delta = pending_[{d.login, d.minute}];
    delta.login = d.login;
    delta.minute = d.minute;
    delta.messages += d.messages;
    delta.recipients += d.recipients;
    delta.refusals += d.refusals;
  }
}

UsageRecorder::UsageRecorder(SendingCounter& counter, UsageStore& store, std::chrono::milliseconds interval,
                             const core::Clock& clock, std::function<void(const std::string&)> onError)
    : counter_(counter), store_(store), interval_(interval), clock_(clock), onError_(std::move(onError)) {
  if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
}

void UsageRecorder::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  flush();
}

bool UsageRecorder::flush() {
  std::lock_guard serial(flushMutex_);
  std::vector<UsageBucket> deltas = counter_.takePending();
  try {
    if (!deltas.empty()) store_.add(deltas);
    const auto minute =
        std::chrono::duration_cast<std::chrono::minutes>(clock_.now().time_since_epoch()).count();
    store_.purgeBefore(minute - kMinutesPerDay);
    return true;
  } catch (const std::exception& e) {
    counter_.restorePending(deltas);
    if (onError_) onError_(std::string("cannot record sending use: ") + e.what());
    return false;
  }
}

void UsageRecorder::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

void seedFromStore(SendingCounter& counter, UsageStore& store, const core::Clock& clock) {
  const auto minute =
      std::chrono::duration_cast<std::chrono::minutes>(clock.now().time_since_epoch()).count();
  counter.seed(store.loadSince(minute - kMinutesPerDay + 1));
}

}  // namespace postern::limits
