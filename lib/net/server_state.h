// SmtpServer::State — what all connections of one server share: environment, TLS context, the shutdown
// flag and the connection counts behind the caps. Internal to net. Thread-safety: all members are
// atomics or guarded by mutex_.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "core/socket_wait.h"
#include "net/smtp_server.h"

namespace postern::net {

struct SmtpServer::State {
  ServerOptions options;
  SessionEnvironment environment;
  tls::ContextSource tlsContext;  // taken once per handshake: a reload reaches new connections only

  std::atomic<bool> stopping{false};
  core::WakeEvent stopEvent;  // signalled with stopping: wakes every connection waiting for input
  std::atomic<std::int64_t> graceDeadlineNs{0};  // steady_clock, valid once stopping
  std::atomic<std::uint64_t> nextConnectionId{1};

  // Admission by clientGroup(): returns an empty string when admitted, else the reason for refusing.
  std::string admit(const std::string& group);
  void release(const std::string& group);
  std::size_t active() const;
  // Waits until no connection is active or the deadline passes; true when drained.
  bool waitDrained(std::chrono::steady_clock::time_point deadline);

  // Hard deadlines. A blocking call (a TLS handshake fed one byte at a time, a read inside a TLS record)
  // cannot be interrupted by the connection's own timeouts; the watchdog shuts down the socket of any
  // connection past its deadline, which makes that call fail at once. A connection registers its
  // descriptor before first use and unregisters it before closing it, so a reused descriptor number is
  // never shut down by mistake.
  void watch(std::uint64_t id, int fd);
  void setDeadline(std::uint64_t id, std::optional<std::chrono::steady_clock::time_point> deadline);
  void unwatch(std::uint64_t id);
  // Shuts down every socket past its deadline; with force, every socket. Returns how many.
  std::size_t enforceDeadlines(bool force);

 private:
  mutable std::mutex mutex_;
  std::condition_variable drained_;
  std::size_t active_ = 0;
  std::map<std::string, std::size_t> perAddress_;  // by clientGroup()

  struct Watched {
    int fd = -1;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    bool shutDown = false;
  };
  std::mutex watchMutex_;
  std::map<std::uint64_t, Watched> watched_;
};

}  // namespace postern::net
