// core socket waits — the two things the SMTP server and the relay client do around Poco's blocking
// sockets on every command, without Poco's per-call costs: Poco 1.11's Socket::poll creates, uses and
// closes an epoll instance on each call (four system calls), and each set...Timeout is a setsockopt.
//
// Must not know: Poco, TLS (the callers ask OpenSSL for bytes it has already decrypted before waiting).
// Thread-safety: waitReadable may be called from any thread; a TimeoutSetting belongs to one socket and
// is used by that socket's thread only.
#pragma once

#include <chrono>
#include <optional>

namespace postern::core {

// poll(2) on one descriptor: true when it is readable, hung up or in error (the next read says which),
// false when the timeout passed first. EINTR resumes with the time left.
bool waitReadable(int fd, std::chrono::milliseconds timeout);

// The same, also returning early when wakeFd (a WakeEvent's descriptor) is signalled, so that a thread
// waiting on an idle connection needs no periodic wake-up to notice, say, a shutdown.
enum class WaitResult { Readable, Woken, TimedOut };
WaitResult waitReadable(int fd, std::chrono::milliseconds timeout, int wakeFd);

// An eventfd that, once signalled, stays readable: wakes every thread waiting on it, now and later.
// Thread-safety: signal() from any thread.
class WakeEvent {
 public:
  WakeEvent();  // throws std::system_error when no descriptor can be had
  ~WakeEvent();
  WakeEvent(const WakeEvent&) = delete;
  WakeEvent& operator=(const WakeEvent&) = delete;
  void signal() noexcept;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Whether a socket timeout must be set again. A new value is worth a setsockopt when it is shorter than
// 3/4 of the one in force (a deadline drawing near must hold) or longer than 3/2 of it (a new operation's
// longer allowance); in between, the one in force stays. needs() records the value when it says yes.
class TimeoutSetting {
 public:
  bool needs(std::chrono::milliseconds wanted) {
    if (current_ && wanted * 4 >= *current_ * 3 && wanted * 2 <= *current_ * 3) return false;
    current_ = wanted;
    return true;
  }
  // The socket's timeout was set by someone else (e.g. for a handshake): the next needs() says yes.
  void forget() { current_.reset(); }

 private:
  std::optional<std::chrono::milliseconds> current_;
};

}  // namespace postern::core
