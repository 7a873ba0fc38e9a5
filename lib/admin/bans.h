// admin::Bans — the brute-force ban list as an administrator sees it (auth/ban_list.h): list the bans,
// lift one, lift them all. Shared by the web API (lib/web/api_bans.*) and `postern ban` (app/cli_bans.cpp).
//
// A ban is named by its kind and key. parseKey() reads the one text form the CLI takes: "addr:KEY" or
// "login:KEY", or a bare KEY whose kind is inferred (an IP address or an IPv6 /64 is an address ban,
// anything else a login ban). Lifting removes the ban and forgets its repeats: the next ban of that
// client starts again at the shortest time. The server re-reads the table every few seconds, so a lift
// made by another process (the CLI) reaches it within that time; the web admin's lift, in the server's
// own process, applies at once.
// Nothing here writes the audit log: the caller records the lift with its actor (admin/audit.h).
// Must not know: HTTP, printing. Errors: core::NotFound (no such ban), core::InvalidValue (field "kind"
// or "key"), store::DatabaseError. Thread-safety: thread-safe (the list is).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/ban_list.h"
#include "core/clock.h"

namespace postern::admin {

struct BanView {
  std::string kind;  // "addr" | "login"
  std::string key;
  std::chrono::system_clock::time_point startedAt;
  std::chrono::system_clock::time_point until;
  unsigned count = 1;  // bans in a row; the next one lasts longer
  std::string reason;
  bool active = false;  // false: ended, remembered only for the next ban's length
};

struct BanKey {
  auth::BanKind kind = auth::BanKind::Address;
  std::string key;
};

class Bans {
 public:
  Bans(auth::BanList& list, const core::Clock& clock) : list_(list), clock_(clock) {}

  // Active bans first; ended ones only with includeEnded.
  std::vector<BanView> list(bool includeEnded = false);
  // Throws core::NotFound when there is no such ban (active or remembered).
  void lift(const BanKey& key);
  // How many were lifted.
  std::size_t liftAll();

  // Throws core::InvalidValue("key", …) for an empty text, or an unknown "kind:" prefix.
  static BanKey parseKey(std::string_view text);
  // Throws core::InvalidValue("kind", …) for anything but "addr" or "login".
  static BanKey makeKey(std::string_view kind, std::string_view key);
  // "addr:203.0.113.7", "login:bob@example.org": the form parseKey() reads back.
  static std::string keyText(const BanView& ban);

 private:
  auth::BanList& list_;
  const core::Clock& clock_;
};

}  // namespace postern::admin
