#include "relay/connection_pool.h"

namespace postern::relay {

Lease::~Lease() {
  if (pool_) pool_->giveBack(std::move(session));
}

ConnectionPool::ConnectionPool(std::size_t maxConnections, std::chrono::milliseconds idleTimeout)
    : maxConnections_(maxConnections), idleTimeout_(idleTimeout), reaper_([this] { reapIdle(); }) {}

ConnectionPool::~ConnectionPool() { stop(); }

std::optional<Lease> ConnectionPool::tryAcquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool ready = slotFreed_.wait_for(
      lock, timeout, [this] { return stopped_ || !idle_.empty() || slotsInUse_ < maxConnections_; });
  if (!ready || stopped_) return std::nullopt;
  if (!idle_.empty()) {
    // Most recently used first: the connection least likely to have been closed by the server.
    std::unique_ptr<ClientSession> session = std::move(idle_.front());
    idle_.pop_front();
    // No wake-up for the reaper: taking the newest never moves its deadline (the oldest's) earlier; at the
    // old one it finds nothing or something else due.
    if (std::chrono::steady_clock::now() < session->idleSince() + idleTimeout_)
      return Lease(this, std::move(session));
    // Past its idle time (the reaper has not got to it yet): close it and hand over its slot.
    lock.unlock();
    session->quit();
    return Lease(this, nullptr);
  }
  ++slotsInUse_;
  return Lease(this, nullptr);
}

void ConnectionPool::giveBack(std::unique_ptr<ClientSession> session) {
  {
    std::lock_guard lock(mutex_);
    if (session && session->usable() && !stopped_) {
      session->markIdle();
      // The reaper waits for the oldest idle connection; only when there was none does it need waking.
      const bool wasEmpty = idle_.empty();
      idle_.push_front(std::move(session));
      if (wasEmpty) idleChanged_.notify_all();
      slotFreed_.notify_one();
      return;
    }
  }
  if (session) session->quit();  // outside the lock: QUIT waits for the server
  releaseSlot();
}

void ConnectionPool::releaseSlot() {
  std::lock_guard lock(mutex_);
  --slotsInUse_;
  slotFreed_.notify_one();
}

void ConnectionPool::reapIdle() {
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    const auto now = std::chrono::steady_clock::now();
    if (std::unique_ptr<ClientSession> expired = takeExpiredLocked(now)) {
      lock.unlock();
      expired->quit();  // the slot stays taken until the connection is really closed
      expired.reset();
      lock.lock();
      --slotsInUse_;
      slotFreed_.notify_one();
      continue;
    }
    if (idle_.empty()) {
      idleChanged_.wait(lock);
    } else {
      idleChanged_.wait_until(lock, idle_.back()->idleSince() + idleTimeout_);
    }
  }
}

std::unique_ptr<ClientSession> ConnectionPool::takeExpiredLocked(std::chrono::steady_clock::time_point now) {
  if (idle_.empty() || now < idle_.back()->idleSince() + idleTimeout_) return nullptr;
  std::unique_ptr<ClientSession> expired = std::move(idle_.back());  // the oldest is at the back
  idle_.pop_back();
  return expired;
}

void ConnectionPool::stop() {
  std::deque<std::unique_ptr<ClientSession>> closing;
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      stopped_ = true;
      closing.swap(idle_);
      slotsInUse_ -= closing.size();
    }
    slotFreed_.notify_all();
    idleChanged_.notify_all();
  }
  std::call_once(joined_, [this] { reaper_.join(); });
  for (auto& session : closing) session->quit();
}

bool ConnectionPool::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

std::size_t ConnectionPool::openConnections() const {
  std::lock_guard lock(mutex_);
  return slotsInUse_;
}

std::size_t ConnectionPool::idleConnections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace postern::relay
