// web::ConnectionWatchdog — deadlines for the admin's connections that no client can stretch. A socket
// receive timeout only bounds one read; a client that trickles a byte just before each timeout would hold
// a thread for ever. Each connection registers its descriptor with the deadline of its current phase (TLS
// handshake, reading a request); when the deadline passes, the watchdog shuts the socket down, so the
// blocked read returns and the connection's thread ends it.
//
// Owns: the table of watched descriptors and the thread that enforces it. It never closes a descriptor
// (the connection owns it and unwatches it before closing, so a reused number is never shut down).
// Must not know: HTTP, TLS. Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace postern::web {

class ConnectionWatchdog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  ConnectionWatchdog() = default;
  ~ConnectionWatchdog();
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  // Returns the id to pass to the other calls. nullopt deadline: watched, but not due.
  std::uint64_t watch(int fd, std::optional<TimePoint> deadline);
  void setDeadline(std::uint64_t id, std::optional<TimePoint> deadline);
  void unwatch(std::uint64_t id);

  // Shuts down every watched socket whose deadline is at or before now; returns how many.
  std::size_t expire(TimePoint now);
  // Shuts down every watched socket (server shutdown after its grace period); returns how many.
  std::size_t expireAll();
  std::size_t watched() const;
  // True when the watchdog has shut this socket down (the failure the connection sees is its doing).
  bool wasShutDown(std::uint64_t id) const;

  // A thread that calls expire(steady_clock::now()) every period until stop().
  void start(std::chrono::milliseconds period);
  void stop();

 private:
  struct Entry {
    int fd;
    std::optional<TimePoint> deadline;
    bool shutDown = false;
  };
  std::size_t shutDownWhere(bool all, TimePoint now);

  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t nextId_ = 1;

  std::thread thread_;
  std::mutex threadMutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace postern::web
