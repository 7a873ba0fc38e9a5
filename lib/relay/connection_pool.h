// relay::ConnectionPool — the slots for open smarthost connections and the idle ones among them.
// Internal to relay.
//
// Owns: the bound on open connections (a slot is taken before connecting and given back when the
// connection closes), idle connections (most recently used first), and closing them with QUIT once they
// have been idle for idleTimeout (a background thread that sleeps until the next expiry).
// Must not know: SMTP beyond ClientSession's reset/quit, failover. Thread-safety: every member is
// thread-safe; a Lease belongs to one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "relay/client_session.h"

namespace postern::relay {

class ConnectionPool;

// One slot, and the connection in it, if any. Giving it back (destructor) parks a usable connection as
// idle and closes any other.
class Lease {
 public:
  Lease(Lease&& other) noexcept : session(std::move(other.session)), pool_(other.pool_) {
    other.pool_ = nullptr;
  }
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  std::unique_ptr<ClientSession> session;  // an idle connection taken from the pool, or null

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, std::unique_ptr<ClientSession> s) : session(std::move(s)), pool_(pool) {}
  ConnectionPool* pool_;
};

class ConnectionPool {
 public:
  ConnectionPool(std::size_t maxConnections, std::chrono::milliseconds idleTimeout);
  ~ConnectionPool();  // stop()
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits up to `timeout` for a free slot or an idle connection (0: only takes one that is free now).
  // nullopt when none freed in time or the pool is stopped (stopped() tells which). Never waits longer:
  // a caller that cannot get a connection goes on with other work instead of blocking a thread.
  std::optional<Lease> tryAcquire(std::chrono::milliseconds timeout);

  // Wakes waiters, ends the idle reaper, closes idle connections. Leases still out close their
  // connections when given back.
  void stop();
  bool stopped() const;

  std::size_t openConnections() const;  // for tests and status
  std::size_t idleConnections() const;

 private:
  friend class Lease;
  void giveBack(std::unique_ptr<ClientSession> session);
  void releaseSlot();
  void reapIdle();
  std::unique_ptr<ClientSession> takeExpiredLocked(std::chrono::steady_clock::time_point now);

  const std::size_t maxConnections_;
  const std::chrono::milliseconds idleTimeout_;
  mutable std::mutex mutex_;
  std::condition_variable slotFreed_;
  std::condition_variable idleChanged_;
  std::deque<std::unique_ptr<ClientSession>> idle_;  // front: most recently used
  std::size_t slotsInUse_ = 0;  // leases out + idle connections + connections being closed
  bool stopped_ = false;
  std::thread reaper_;
  std::once_flag joined_;
};

}  // namespace postern::relay
