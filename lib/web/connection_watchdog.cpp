#include "web/connection_watchdog.h"

#include <Poco/Logger.h>

#include <sys/socket.h>

namespace postern::web {

ConnectionWatchdog::~ConnectionWatchdog() { stop(); }

std::uint64_t ConnectionWatchdog::watch(int fd, std::optional<TimePoint> deadline) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = nextId_++;
  entries_.emplace(id, Entry{fd, deadline});
  return id;
}

void ConnectionWatchdog::setDeadline(std::uint64_t id, std::optional<TimePoint> deadline) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(id); it != entries_.end()) it->second.deadline = deadline;
}

void ConnectionWatchdog::unwatch(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

std::size_t ConnectionWatchdog::shutDownWhere(bool all, TimePoint now) {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (auto& [id, entry] : entries_) {
    if (entry.shutDown || !(all || (entry.deadline && *entry.deadline <= now))) continue;
    ::shutdown(entry.fd, SHUT_RDWR);
    entry.shutDown = true;
    ++count;
  }
  return count;
}

std::size_t ConnectionWatchdog::expire(TimePoint now) { return shutDownWhere(false, now); }

std::size_t ConnectionWatchdog::expireAll() { return shutDownWhere(true, TimePoint()); }

std::size_t ConnectionWatchdog::watched() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

bool ConnectionWatchdog::wasShutDown(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  return it != entries_.end() && it->second.shutDown;
}

void ConnectionWatchdog::start(std::chrono::milliseconds period) {
  {
    std::lock_guard lock(threadMutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this, period] {
    std::unique_lock lock(threadMutex_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      if (const auto n = expire(std::chrono::steady_clock::now()))
        Poco::Logger::get("web").information("watchdog: closed " + std::to_string(n) +
                                             " connection(s) past their deadline");
      lock.lock();
    }
  });
}

void ConnectionWatchdog::stop() {
  {
    std::lock_guard lock(threadMutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace postern::web
