// routing::RouteAdmin — relay routes as the CLI (`postern route ...`) and the web UI manage them: validate a
// route's settings, seal its secrets under the master key, store it; and, for the server, the routes with
// their secrets opened (resolve()).
//
// A route sends the mail of the senders it lists ("*" = everybody not matched elsewhere, "@example.org" =
// that domain, "alice@example.org" = one address) through its smarthosts, in failover order, with its own
// TLS mode, CA file, authentication and pool size. Authentication is none, password (AUTH PLAIN/LOGIN) or
// OAuth 2.0 (XOAUTH2 or OAUTHBEARER with a token from the client-credentials or refresh-token grant).
// Secrets are sealed with "route/<name>/<field>" as additional data, so a sealed value copied to another
// route or field does not open.
//
// Owns: the validation rules and the sealing. Must not know: SMTP, HTTP, terminals, how tokens are fetched.
// Thread-safety: not thread-safe (one administrator's command at a time; the server uses resolve() from one
// thread); the store underneath is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modes/route_modes.h"
#include "store/route_repository.h"
#include "store/vault_meta_repository.h"
#include "vault/vault.h"

namespace postern::routing {

// The settings of a route as an administrator gives them. Secrets in plaintext, transient. For update(),
// a secret left nullopt keeps the stored one.
struct RouteSettings {
  std::string name;
  std::vector<std::string> senders;
  std::vector<std::string> hosts;  // "host:port", IPv6 as "[addr]:port"
  modes::TlsMode tls = modes::TlsMode::StartTls;
  std::string caFile;
  modes::AuthMechanism auth = modes::AuthMechanism::None;
  std::string username;
  std::optional<std::string> password;
  std::optional<modes::Grant> oauthGrant;  // OAuth only, and needed there
  std::string oauthTokenUrl;
  std::string oauthClientId;
  std::optional<std::string> oauthClientSecret;
  std::string oauthScope;
  std::optional<std::string> oauthRefreshToken;
  int maxConnections = 4;
};

// A stored route with its secrets opened: what the server builds its relay from.
struct ResolvedRoute {
  std::string name;
  std::vector<std::string> senders;
  std::vector<std::pair<std::string, std::uint16_t>> hosts;
  modes::TlsMode tls = modes::TlsMode::StartTls;
  modes::AuthMechanism auth = modes::AuthMechanism::None;
  std::optional<modes::Grant> oauthGrant;  // OAuth routes; nullopt only from a row Postern did not write
  std::string caFile, username, password;
  std::string oauthTokenUrl, oauthClientId, oauthClientSecret, oauthScope, oauthRefreshToken;
  int maxConnections = 4;
  std::string version;  // changes whenever the route's settings change
};

// A route whose secrets do not open (wrong master key, a damaged row) or whose stored modes Postern does not
// know: the server keeps its senders on it, deferring their mail, rather than letting them fall through to
// another route.
struct UnusableRoute {
  std::string name;
  std::vector<std::string> senders;
  std::string error;  // "route m365: ..." (never a secret)
};

struct ResolveResult {
  std::vector<ResolvedRoute> routes;
  std::vector<UnusableRoute> unusable;
};

class RouteAdmin {
 public:
  using VaultOpener = std::function<vault::KeyVault()>;
  RouteAdmin(store::RouteRepository& routes, VaultOpener openVault);

  // Throw core::InvalidValue (naming the setting), core::AlreadyExists, core::NotFound.
  store::RouteRecord add(const RouteSettings& settings);
  store::RouteRecord update(const RouteSettings& settings);
  void remove(std::string_view name);
  std::vector<store::RouteRecord> list() { return routes_.list(); }
  std::optional<store::RouteRecord> find(std::string_view name) { return routes_.find(name); }
  // The settings of a stored route, secrets left nullopt: the base for a partial change. A stored mode
  // Postern does not know (RouteRecord::unknownModes) comes back as the setting's default, or a nullopt
  // grant: update() stores what it is given, so a caller must have the change replace it
  // (admin::Routes::set refuses a change that does not).
  std::optional<RouteSettings> settingsOf(std::string_view name);
  static RouteSettings settingsOf(const store::RouteRecord& record);

  // Every route with its secrets opened (opens the vault only when some route has a secret). A route with a
  // stored mode Postern does not know is unusable ("route corp: unknown tls mode 'ssl'"); an unknown grant
  // only on an OAuth route, the only kind that reads it.
  ResolveResult resolve();
  // The server learned a new refresh token (the endpoint rotated it): seal and store it.
  void storeRotatedRefreshToken(std::string_view name, std::string_view refreshToken);

  // "host:port" → (host, port); nullopt when malformed. "[2001:db8::1]:25" → ("2001:db8::1", 25).
  static std::optional<std::pair<std::string, std::uint16_t>> parseHost(std::string_view text);
  // "*", or a normalised "@domain" / "local@domain"; nullopt when malformed.
  static std::optional<std::string> normaliseSender(std::string_view pattern);

 private:
  store::RouteRecord toRecord(const RouteSettings& settings,
                              const std::optional<store::RouteRecord>& existing);

  store::RouteRepository& routes_;
  store::VaultMetaRepository vaultMeta_{
      routes_.database()};  // the one master-key check (vault/master_key_check.h)
  VaultOpener openVault_;
};

}  // namespace postern::routing
