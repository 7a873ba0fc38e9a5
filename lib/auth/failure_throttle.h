// auth::FailureThrottle — counts failed AUTH attempts per client address in a sliding window; once a
// client reaches maxFailures within window, it is refused and the caller answers AUTH with a temporary
// error (454 4.7.0) until enough of those failures have aged out of the window.
//
// Every attempt takes a Reservation before its credentials are verified (tryReserve), and a held
// reservation counts like a failure. Checking first and recording the failure only after the (slow,
// deliberately so) verification would let N parallel connections from one address all pass the check
// before any of them had failed: N guesses where maxFailures are allowed. With reservations at most
// maxFailures attempts of a client are in flight or failed within the window, whatever the concurrency.
// A reservation becomes a failure only when confirmed; otherwise (success, cancel, malformed exchange,
// temporary error, dropped connection) it is given back, at the latest by its destructor.
//
// A successful login does not clear the count: otherwise one valid account would let a client keep
// guessing the passwords of others. Memory is bounded: a client keeps at most maxFailures timestamps,
// and at most maxClients clients are tracked (entries whose failures all aged out are pruned first,
// then the client with the oldest latest failure). A client holding reservations is never dropped, so the
// bound can be exceeded by clients with an attempt in flight (themselves bounded by open connections).
// The key is whatever the caller passes (normally the IP address text); mapping IPv6 clients to their
// /64 is the caller's choice.
//
// Must not know: sockets, SMTP. Thread-safety: FailureThrottle is thread-safe; one Reservation belongs to
// one thread at a time, and the throttle must outlive its reservations.
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
  // One AUTH attempt in flight for one client; empty when the client is blocked (or once resolved).
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&& other) noexcept;
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation() { release(); }

    explicit operator bool() const { return throttle_ != nullptr; }
    // The attempt failed: it stays counted, as a failure at the current time. Empties the reservation.
    void confirmFailure();
    // The attempt did not fail (or never got verified): the slot is free again. Empties the reservation;
    // a no-op on an empty one.
    void release() noexcept;

   private:
    friend class FailureThrottle;
    Reservation(FailureThrottle& throttle, std::string client)
        : throttle_(&throttle), client_(std::move(client)) {}

    FailureThrottle* throttle_ = nullptr;
    std::string client_;
  };

  explicit FailureThrottle(const core::Clock& clock = core::SystemClock::instance(),
                           FailureThrottleOptions options = {});

  // Reserves one attempt unless the client's failures inside the window plus its held reservations have
  // reached maxFailures; check and reservation are one step, so parallel callers cannot overshoot.
  [[nodiscard]] Reservation tryReserve(std::string_view client);
  // True when tryReserve would refuse now.
  bool blocked(std::string_view client);
  void recordFailure(std::string_view client);
  // Drops the client's failures (its held reservations stay): a ban took over, or one was lifted.
  void forget(std::string_view client);
  // forget() for every client.
  void forgetAll();
  // Failures of this client still inside the window (held reservations not included).
  std::size_t failures(std::string_view client);
  // Reservations of this client currently held.
  std::size_t reservations(std::string_view client) const;
  std::size_t trackedClients() const;

 private:
  using TimePoint = core::Clock::TimePoint;
  struct ClientState {
    std::deque<TimePoint> failures;  // oldest first
    std::size_t reserved = 0;
  };

  // All with mutex_ held.
  ClientState* current(const std::string& key, TimePoint now);  // expired failures dropped; null if none left
  ClientState& entry(const std::string& key, TimePoint now);    // created (making room) when missing
  void addFailure(ClientState& state, TimePoint now);
  void dropExpired(std::deque<TimePoint>& times, TimePoint now) const;
  void makeRoom(TimePoint now);

  void confirm(const std::string& key);
  void release(const std::string& key) noexcept;

  const core::Clock& clock_;
  const FailureThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, ClientState> clients_;
};

}  // namespace postern::auth
