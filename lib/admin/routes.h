// admin::Routes — relay routes as the CLI (`postern route ...`) and the admin web API share them: add, change
// (only what is given), remove, list and show routes, provider presets, and which route a sender's mail
// takes. Validation and sealing are routing::RouteAdmin's; the default-route rule is
// relay::withConfiguredDefault's (relay.* is the route "config" unless the table has a "*" route).
//
// Owns: how a change is laid over a route (a preset first, then the values given; a new route sends for
// "*" unless senders are given; auth none drops the username), and the views.
// Views (RouteView) say whether a password, client secret or refresh token is stored, never the sealed
// bytes. Text in them is as stored: whoever prints it escapes it (core::printable).
// Errors: core::InvalidValue naming the setting ("preset" for an unknown preset), core::NotFound ("no route
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

#include "routing/route_admin.h"
#include "store/route_repository.h"

namespace postern::admin {

struct RouteView {
  std::string name;
  std::vector<std::string> senders;  // normalised patterns: "*", "@example.org", "alice@example.org"
  std::vector<std::string> hosts;    // "host:port" in failover order
  std::string tls;                   // starttls | tls | none
  std::string caFile;
  std::string auth;  // none | password | xoauth2 | oauthbearer
  std::string username;
  bool hasPassword = false;
  std::string oauthGrant;  // "" | client_credentials | refresh_token
  std::string oauthTokenUrl;
  std::string oauthClientId;
  std::string oauthScope;
  bool hasClientSecret = false;
  bool hasRefreshToken = false;
  int maxConnections = 4;
  std::int64_t version = 0;  // raised by every change
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point updatedAt;
};

// What an administrator gives for a new or changed route: nullopt leaves a setting as it is (a new route
// starts from routing::RouteSettings' defaults). Secrets in plaintext, transient.
struct RouteChange {
  std::optional<std::string> preset;  // oauth::presetNames(): smarthost, TLS, XOAUTH2, endpoint, scope, grant
  std::string tenant;                 // for the microsoft365 preset
  std::optional<std::vector<std::string>> senders;
  std::optional<std::vector<std::string>> hosts;  // "host:port", failover order
  std::optional<std::string> tls, caFile, auth, username;
  std::optional<std::string> oauthGrant, oauthTokenUrl, oauthClientId, oauthScope;
  std::optional<int> maxConnections;
  std::optional<std::string> password, oauthClientSecret, oauthRefreshToken;
};

class Routes {
 public:
  // smarthostConfigured: relay.* names a smarthost, which is then the default route "config".
  Routes(store::RouteRepository& routes, routing::RouteAdmin::VaultOpener openVault, bool smarthostConfigured)
      : admin_(routes, std::move(openVault)), smarthostConfigured_(smarthostConfigured) {}

  RouteView add(std::string_view name, const RouteChange& change);
  RouteView set(std::string_view name, const RouteChange& change);  // core::NotFound for an unknown route
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

 private:
  std::mutex mutex_;  // held by every public call; none of them calls another
  routing::RouteAdmin admin_;
  const bool smarthostConfigured_;
};

}  // namespace postern::admin
