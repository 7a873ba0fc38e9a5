// auth::CredentialCache — remembers, for a short time, that a login's password verified, so that a mail
// client sending several messages in a row does not pay for Argon2 each time.
//
// Never holds a password: an entry is HMAC-SHA256(per-process random key, login \0 storedHash \0 password),
// compared in constant time. Because the stored hash is part of the MAC, changing the password (a new
// hash) invalidates the entry by itself; the caller still reads the user row on every login, so a
// disabled user is refused even while cached.
// One entry per login (the last password that verified), kept in a map by login: the cache is bounded by
// maxEntries, least recently used evicted first, and failed guesses cannot push out a good entry.
// An entry lives ttl from the verification that created it; a hit does not extend it.
//
// Must not know: the store, SASL. Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace postern::auth {

struct CredentialCacheOptions {
  std::chrono::seconds ttl{300};
  std::size_t maxEntries = 10000;
};

class CredentialCache {
 public:
  explicit CredentialCache(const core::Clock& clock = core::SystemClock::instance(),
                           CredentialCacheOptions options = {});
  ~CredentialCache();
  CredentialCache(const CredentialCache&) = delete;
  CredentialCache& operator=(const CredentialCache&) = delete;

  // true when this exact (login, storedHash, password) verified less than ttl ago.
  bool contains(std::string_view login, std::string_view storedHash, std::string_view password);
  // Records a successful verification, replacing the login's previous entry.
  void remember(std::string_view login, std::string_view storedHash, std::string_view password);
  void forget(std::string_view login);
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    std::string mac;
    core::Clock::TimePoint verifiedAt;
    std::list<std::string>::iterator recency;  // position in recency_
  };

  std::string mac(std::string_view login, std::string_view storedHash, std::string_view password) const;

  const core::Clock& clock_;
  const CredentialCacheOptions options_;
  unsigned char key_[32];
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by login
  std::list<std::string> recency_;                  // logins, most recently used first
};

}  // namespace postern::auth
