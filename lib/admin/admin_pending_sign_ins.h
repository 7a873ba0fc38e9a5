// admin::PendingSignIns — the short-lived, single-use tokens that stand between the two steps of a sign-in
// with a second factor: the password was right, a code is still owed. No session exists yet; the cookie is
// issued only after the code (admin::AdminSignIn::completeSecondFactor).
//
// A token is 32 random bytes (admin/secret_token.h); only its SHA-256 is kept, in memory: a restart ends
// every pending sign-in, which costs the administrator a password (no harm). redeem() removes the token
// whatever follows, so each password check buys one code attempt; a token expires after `lifetime`. At
// most maxPending are held (expired ones are purged first; beyond that issue() refuses, temporarily).
// Must not know: HTTP, the store. Never logs. Thread-safety: thread-safe (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace postern::admin {

class PendingSignIns {
 public:
  explicit PendingSignIns(const core::Clock& clock, std::chrono::seconds lifetime = std::chrono::minutes(5),
                          std::size_t maxPending = 10000)
      : clock_(clock), lifetime_(lifetime), maxPending_(maxPending) {}

  // A token for this (canonical) login. Throws core::Error (temporary) when too many are pending.
  std::string issue(std::string_view login);
  // The login the token was issued for, if it is known and not expired; the token is spent either way.
  std::optional<std::string> redeem(std::string_view token);
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  struct Pending {
    std::string login;
    std::chrono::system_clock::time_point expires;
  };
  void purgeExpired(std::chrono::system_clock::time_point now);  // under mutex_

  const core::Clock& clock_;
  const std::chrono::seconds lifetime_;
  const std::size_t maxPending_;
  std::mutex mutex_;
  std::unordered_map<std::string, Pending> pending_;  // by token hash
};

}  // namespace postern::admin
