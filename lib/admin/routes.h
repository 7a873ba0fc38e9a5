// admin::Routes — relay routes as the CLI (`postern route ...`) and the admin web API share them: add, change
// (only what is given), remove, list and show routes, provider presets, and which route a sender's mail
// takes. Validation and sealing are routing::RouteAdmin's; the default-route rule is
// relay::withConfiguredDefault's (relay.* is the route "config" unless the table has a "*" route).
//
// Owns: how a change is laid over a route (a preset first, then the values given; a new route sends for
// "*" unless senders are given; auth none drops the username; a stored mode Postern does not know must be
// given anew), and the views.
// Modes travel typed (modes/route_modes.h): the CLI and the web API parse their text once, at their edge,
// with modes::requireTlsMode / requireAuthMode / requireGrant, which refuse an unknown spelling with
// core::InvalidValue naming the field ("tls", "auth", "grant").
// A route's "spf" is what its smarthost needs in its senders' SPF records (admin::Domains builds the record
// from it): include:/ip4:/ip6: mechanisms only, since anything else (a, mx, exists) would be evaluated at
// the sender's domain, not the smarthost's. It is stored by store::RouteRepository::storeSpf right after
// the route's settings: the repository keeps the two writes apart, so the value is checked before either.
// Views (RouteView) say whether a password, client secret or refresh token is stored, never the sealed
// bytes. Text in them is as stored: whoever prints it escapes it (core::printable).
// Errors: core::InvalidValue naming the setting ("preset" for an unknown preset; "spf" for a mechanism
// that is not include:, ip4: or ip6:; "tls", "auth" or "grant"
// for a stored mode Postern does not know that a change leaves in place), core::NotFound ("no route
// NAME"), core::AlreadyExists, core::Error (permanent) for a preset's missing tenant or refused grant,
// vault::VaultError when a secret cannot be sealed, store::DatabaseError (temporary).
// Must not know: HTTP, terminals, the configuration file (the caller says whether relay.* has a smarthost).
// Thread-safety: thread-safe: routing::RouteAdmin is not, so every call holds one mutex for its duration.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modes/route_modes.h"
#include "routing/route_admin.h"
#include "store/route_repository.h"

namespace postern::admin {

struct RouteView {
  std::string name;
  std::vector<std::string> senders;  // normalised patterns: "*", "@example.org", "alice@example.org"
  std::vector<std::string> hosts;    // "host:port" in failover order
  modes::TlsMode tls = modes::TlsMode::StartTls;
  std::string caFile;
  modes::AuthMechanism auth = modes::AuthMechanism::None;
  std::string username;
  bool hasPassword = false;
  std::optional<modes::Grant> oauthGrant;  // OAuth routes
  std::string oauthTokenUrl;
  std::string oauthClientId;
  std::string oauthScope;
  bool hasClientSecret = false;
  bool hasRefreshToken = false;
  int maxConnections = 4;
  std::int64_t version = 0;  // raised by every change
  std::string spf;           // "include:_spf.example.net ip4:192.0.2.10"; "" when none
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point updatedAt;
  // Stored modes Postern does not know: the typed setting above is then a default, not what is stored,
  // and the server keeps the route's mail waiting. Shown with the stored text (escaped) instead.
  std::vector<store::UnknownMode> unknownModes;
};

// What an administrator gives for a new or changed route: nullopt leaves a setting as it is (a new route
// starts from routing::RouteSettings' defaults). Secrets in plaintext, transient.
struct RouteChange {
  std::optional<std::string> preset;  // oauth::presetNames(): smarthost, TLS, XOAUTH2, endpoint, scope, grant
  std::string tenant;                 // for the microsoft365 preset
  std::optional<std::vector<std::string>> senders;
  std::optional<std::vector<std::string>> hosts;  // "host:port", failover order
  std::optional<modes::TlsMode> tls;
  std::optional<modes::AuthMechanism> auth;
  std::optional<modes::Grant> oauthGrant;  // also chooses a preset's grant
  std::optional<std::string> caFile, username, oauthTokenUrl, oauthClientId, oauthScope;
  std::optional<int> maxConnections;
  std::optional<std::string> spf;  // space-separated mechanisms; "" removes them
  std::optional<std::string> password, oauthClientSecret, oauthRefreshToken;
};

class Routes {
 public:
  // smarthostConfigured: relay.* names a smarthost, which is then the default route "config".
  Routes(store::RouteRepository& routes, routing::RouteAdmin::VaultOpener openVault, bool smarthostConfigured)
      : routes_(routes), admin_(routes, std::move(openVault)), smarthostConfigured_(smarthostConfigured) {}

  RouteView add(std::string_view name, const RouteChange& change);
  // core::NotFound for an unknown route; core::InvalidValue naming the setting when the stored route has a
  // mode Postern does not know and the change does not replace it (the grant: only if still OAuth).
  RouteView set(std::string_view name, const RouteChange& change);
  void remove(std::string_view name);
  std::vector<RouteView> list();
  std::optional<RouteView> show(std::string_view name);

  // The route a sender's mail takes ("" is the null reverse-path: then the first recipient decides), the
  // configured smarthost being "config"; nullopt when none, and the mail would wait in the queue.
  std::optional<std::string> routeFor(const std::string& sender, const std::string& firstRecipient = "");
  bool smarthostConfigured() const { return smarthostConfigured_; }

  // The change laid over settings: the preset first, then each value given. Throws
  // core::InvalidValue("preset", …) for an unknown preset name.
  static void apply(const RouteChange& change, routing::RouteSettings& settings, bool adding);
  static RouteView view(const store::RouteRecord& record);
  // The route's SPF mechanisms as stored: split on white space, joined by one space. Throws
  // core::InvalidValue("spf", …) for a term that is not a well-formed include:, ip4: or ip6: mechanism.
  static std::string normaliseSpf(std::string_view text);

 private:
  // Stores the spf of the route just written (under mutex_) and answers the route as stored.
  RouteView storeSpf(const store::RouteRecord& written, const std::optional<std::string>& spf);

  std::mutex mutex_;  // held by every public call; none of them calls another
  store::RouteRepository& routes_;
  routing::RouteAdmin admin_;
  const bool smarthostConfigured_;
};

}  // namespace postern::admin
