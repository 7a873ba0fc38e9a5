// auth::BanList — brute-force protection for password logins: AUTH failures counted per client address
// (an IPv6 client's /64) and per login turn into bans whose length grows with each repeat, kept in SQLite
// (store::BanRepository) so that they survive a restart.
//
// The rule:
// - A client address reaching addressFailures failures within window is banned for banTime; each new ban
//   of the same address while the previous one is remembered (until its end + banMaxTime) lasts
//   banGrowth times longer, capped at banMaxTime (defaults: 15 min, 1 h, 4 h, 16 h, 24 h, 24 h...). A
//   banned client's AUTH is refused with a temporary error before any password is looked at. Attempts are
//   reserved before verification (auth::FailureThrottle), so parallel connections from one address cannot
//   get more than addressFailures guesses in at once.
// - A login reaching loginFailures failures within window, from at least loginMinAddresses different
//   client addresses, is banned the same way (a single address guessing is the address rule's job; this
//   one is for guesses spread over many addresses). While a login is banned, every attempt at it fails as
//   for a wrong password, whether the password was right or not, so the ban reveals nothing to a guesser.
// - Lock-out: a per-login ban would let anyone lock a user out by failing on purpose from a few
//   addresses. Two limits on that: a client address that logged in successfully as that login before
//   (remembered in memory, up to kKnownAddressesPerLogin per login, for knownAddressMemory) is still let
//   in while the login is banned, as a device cookie would (OWASP's advice on account lock-out); and the
//   login rule needs several addresses. What remains (a user on a new address during a distributed attack
//   on their login) is the price of stopping that attack; an administrator can lift the ban.
// - Clients in neverBan networks are never refused, never counted and never banned (the office LAN).
// - Only the start of a ban, a lift and the pruning of old rows write to the database; failures are
//   counted in memory. The table is re-read every refreshInterval (lazily, by the next admit()), so a ban
//   lifted by another process (the CLI) reaches the running server within that time.
//
// Must not know: sockets, SMTP replies, HTTP. Thread-safety: thread-safe; one Admission belongs to one
// thread at a time and the list must outlive its admissions.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/failure_throttle.h"
#include "core/clock.h"
#include "core/ip_network.h"
#include "store/ban_repository.h"

namespace postern::auth {

enum class BanKind { Address, Login };
// "addr" / "login", as stored and as the CLI and the API spell them.
std::string_view banKindName(BanKind kind);
std::optional<BanKind> parseBanKind(std::string_view text);

struct Ban {
  BanKind kind = BanKind::Address;
  std::string key;  // the client group ("192.0.2.7", "2001:db8:1:2::/64") or the lower-case login
  core::Clock::TimePoint startedAt;
  core::Clock::TimePoint until;
  unsigned count = 1;  // bans in a row, this one included
  std::string reason;
  bool active(core::Clock::TimePoint now) const { return until > now; }
};

struct BanOptions {
  std::size_t addressFailures = 10;  // auth.throttle_failures
  std::chrono::seconds window{600};  // auth.throttle_window
  std::size_t loginFailures = 20;    // auth.login_ban_failures
  std::size_t loginMinAddresses = 3;
  std::chrono::seconds banTime{900};       // auth.ban_time
  std::chrono::seconds banMaxTime{86400};  // auth.ban_max_time
  unsigned banGrowth = 4;
  std::vector<core::IpNetwork> neverBan;  // auth.never_ban
  std::size_t maxTracked = 10000;         // addresses, and logins, counted in memory at once
  std::chrono::seconds refreshInterval{5};
  std::chrono::seconds knownAddressMemory{30 * 86400};
};

// One client as the caller sees it: its address (matched against neverBan) and the group its failures
// count under (the address, or an IPv6 address's /64: the caller's choice, as for the connection caps).
struct BanClient {
  std::string address;
  std::string group;
};

class BanList {
 public:
  static constexpr std::size_t kKnownAddressesPerLogin = 8;

  // One AUTH attempt let through (or not). allowed() with an attempt held: the caller verifies the
  // password, then calls failed() or succeeded(); dropping the admission gives the slot back.
  class Admission {
   public:
    enum class Status { Allowed, Banned, Throttled };
    Status status() const { return status_; }
    bool allowed() const { return status_ == Status::Allowed; }
    bool exempt() const { return exempt_; }  // a never_ban client: not counted
    std::optional<core::Clock::TimePoint> bannedUntil() const { return until_; }
    void release() noexcept { attempt_.release(); }

   private:
    friend class BanList;
    Status status_ = Status::Throttled;
    bool exempt_ = false;
    std::optional<core::Clock::TimePoint> until_;
    FailureThrottle::Reservation attempt_;
  };

  // Loads the stored bans (throws store::DatabaseError when the table cannot be read). banStarted is
  // called (outside the lock) for every ban this process starts: for the log line and the metrics.
  BanList(store::BanRepository& repository, const core::Clock& clock, BanOptions options,
          std::function<void(const Ban&)> banStarted = {});

  Admission admit(const BanClient& client);
  // The attempt failed (wrong password, unknown login, refused authorization, or a banned login): counts
  // it for the address and, when login is not empty, for the login; may start bans.
  void failed(Admission& admission, const BanClient& client, std::string_view login);
  // The password was right. False when login is banned and this client has not logged in as it before:
  // the caller then answers as for a wrong password and calls failed(). True remembers the client.
  bool mayLogIn(const BanClient& client, std::string_view login);

  // Active and remembered bans, active first, then by key.
  std::vector<Ban> list();
  std::size_t activeCount();
  // Removes the ban (and its repeat count) from the database and from memory, and clears the failures
  // counted against the key, so the client starts afresh. False when there was none.
  bool lift(BanKind kind, const std::string& key);
  // Lifts every ban and clears every failure counted so far. Returns how many bans there were.
  std::size_t liftAll();
  // Reads the table again now (admit() does it every refreshInterval) and prunes rows long ended.
  void refresh();
  bool exempt(const std::string& address) const;

  // The per-address throttle, for other password checks that should count alongside AUTH (client set-up).
  FailureThrottle& addressThrottle() { return addressThrottle_; }

 private:
  using TimePoint = core::Clock::TimePoint;
  using Key = std::pair<BanKind, std::string>;
  struct LoginState {
    std::deque<std::pair<TimePoint, std::string>> failures;  // (when, client group), oldest first
  };
  struct KnownAddress {
    std::string group;
    TimePoint lastLogin;
  };

  std::optional<Ban> startBan(BanKind kind, const std::string& key, std::string reason, TimePoint now);
  const Ban* activeBan(BanKind kind, const std::string& key, TimePoint now) const;  // mutex_ held
  void refreshIfDue();
  void save(const Ban& ban);
  static std::string loginKey(std::string_view login);

  store::BanRepository& repository_;
  const core::Clock& clock_;
  const BanOptions options_;
  const std::function<void(const Ban&)> banStarted_;
  FailureThrottle addressThrottle_;

  std::mutex storeMutex_;  // taken before mutex_: a table read and its merge, a write, a lift
  mutable std::mutex mutex_;
  std::map<Key, Ban> bans_;
  std::set<Key> unsaved_;  // bans started here whose write is in flight or failed
  std::unordered_map<std::string, LoginState> loginFailures_;
  std::unordered_map<std::string, std::vector<KnownAddress>> knownAddresses_;
  TimePoint lastRefresh_;
  bool refreshing_ = false;
};

}  // namespace postern::auth
