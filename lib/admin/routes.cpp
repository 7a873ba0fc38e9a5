#include "admin/routes.h"

#include "core/error.h"
#include "core/text.h"
#include "domains/spf_record.h"
#include "oauth/presets.h"
#include "relay/route_table.h"
#include "relay/routed_transport.h"

namespace postern::admin {

namespace {

using modes::AuthMechanism;

void applyPreset(const RouteChange& change, routing::RouteSettings& s) {
  // A provider's grant: the one asked for; else Google's only grant for SMTP, refresh_token, and
  // client_credentials (app-only) for Microsoft 365.
  const modes::Grant grant = change.oauthGrant.value_or(core::toLowerAscii(*change.preset) == "google"
                                                            ? modes::Grant::RefreshToken
                                                            : modes::Grant::ClientCredentials);
  const auto p = oauth::preset(*change.preset, change.tenant, grant);
  if (!p) {
    std::string known;
    for (const auto& name : oauth::presetNames()) known += (known.empty() ? "" : ", ") + name;
    throw core::InvalidValue("preset", "unknown preset '" + *change.preset + "' (known: " + known + ")");
  }
  s.hosts = {p->smarthost};
  s.tls = p->tls;
  s.auth = AuthMechanism::XOAuth2;
  s.oauthTokenUrl = p->tokenEndpoint;
  s.oauthScope = p->scope;
  s.oauthGrant = p->grant;
}

// A stored mode Postern does not know reads back as a default; storing the change would write that
// default over it unseen. The change must give it (a preset gives TLS and auth), the grant only if the
// route stays OAuth.
void requireUnknownModesReplaced(const store::RouteRecord& record, const RouteChange& change,
                                 const routing::RouteSettings& changed) {
  for (const auto& u : record.unknownModes) {
    const bool replaced = u.setting == "tls" ? change.tls || change.preset
                          : u.setting == "auth"
                              ? change.auth || change.preset
                              : change.oauthGrant || change.preset || !modes::isOAuth(changed.auth);
    if (!replaced)
      throw core::InvalidValue(u.setting, "route " + record.name + ": the stored " + u.setting + " '" +
                                              u.stored + "' is unknown; set " + u.setting +
                                              " in this change");
  }
}

}  // namespace

std::string Routes::normaliseSpf(std::string_view text) {
  std::string out;
  for (const auto& term : domains::parseSpfTerms("v=spf1 " + std::string(text))) {
    const bool allowed =
        !term.modifier && (term.name == "include" || term.name == "ip4" || term.name == "ip6");
    if (!allowed)
      throw core::InvalidValue(
          "spf", "\"" + term.canonical() + "\" is not allowed: give include:, ip4: or ip6: mechanisms only");
    out += (out.empty() ? "" : " ") + term.canonical();
  }
  // The mechanisms' arguments are checked as the domain's record will be built from them.
  if (!out.empty())
    domains::buildSpfRecord("example.org", {}, core::splitList(out, ' '), domains::SpfAll::Fail);
  return out;
}

RouteView Routes::storeSpf(const store::RouteRecord& written, const std::optional<std::string>& spf) {
  if (!spf || *spf == written.spf) return view(written);
  routes_.storeSpf(written.name, *spf);
  const auto stored = admin_.find(written.name);
  if (!stored) throw core::NotFound("no route " + written.name);
  return view(*stored);
}

void Routes::apply(const RouteChange& change, routing::RouteSettings& s, bool adding) {
  if (change.preset) applyPreset(change, s);
  if (change.senders && !change.senders->empty()) s.senders = *change.senders;
  if (adding && s.senders.empty()) s.senders = {"*"};
  if (change.hosts) s.hosts = *change.hosts;
  if (change.tls) s.tls = *change.tls;
  if (change.caFile) s.caFile = *change.caFile;
  if (change.auth) s.auth = *change.auth;
  if (change.username) s.username = *change.username;
  if (change.oauthGrant) s.oauthGrant = *change.oauthGrant;
  if (change.oauthTokenUrl) s.oauthTokenUrl = *change.oauthTokenUrl;
  if (change.oauthClientId) s.oauthClientId = *change.oauthClientId;
  if (change.oauthScope) s.oauthScope = *change.oauthScope;
  if (change.maxConnections) s.maxConnections = *change.maxConnections;
  if (s.auth == AuthMechanism::None) s.username.clear();
  if (change.password) s.password = change.password;
  if (change.oauthClientSecret) s.oauthClientSecret = change.oauthClientSecret;
  if (change.oauthRefreshToken) s.oauthRefreshToken = change.oauthRefreshToken;
}

RouteView Routes::view(const store::RouteRecord& r) {
  RouteView v;
  v.name = r.name;
  v.senders = r.senders;
  v.hosts = r.hosts;
  v.tls = r.tls;
  v.caFile = r.caFile;
  v.auth = r.auth;
  v.username = r.username;
  v.hasPassword = !r.sealedPassword.empty();
  v.oauthGrant = r.oauthGrant;
  v.oauthTokenUrl = r.oauthTokenUrl;
  v.oauthClientId = r.oauthClientId;
  v.oauthScope = r.oauthScope;
  v.hasClientSecret = !r.sealedClientSecret.empty();
  v.hasRefreshToken = !r.sealedRefreshToken.empty();
  v.maxConnections = r.maxConnections;
  v.version = r.version;
  v.spf = r.spf;
  v.createdAt = r.createdAt;
  v.updatedAt = r.updatedAt;
  v.unknownModes = r.unknownModes;
  return v;
}

RouteView Routes::add(std::string_view name, const RouteChange& change) {
  routing::RouteSettings settings;
  settings.name = std::string(name);
  apply(change, settings, true);
  const auto spf = change.spf ? std::optional(normaliseSpf(*change.spf)) : std::nullopt;
  const std::lock_guard lock(mutex_);
  return storeSpf(admin_.add(settings), spf);
}

RouteView Routes::set(std::string_view name, const RouteChange& change) {
  const auto spf = change.spf ? std::optional(normaliseSpf(*change.spf)) : std::nullopt;
  const std::lock_guard lock(mutex_);  // read, change and store as one step
  const auto record = admin_.find(name);
  if (!record) throw core::NotFound("no route " + std::string(name));
  routing::RouteSettings settings = routing::RouteAdmin::settingsOf(*record);
  settings.name = std::string(name);
  apply(change, settings, false);
  requireUnknownModesReplaced(*record, change, settings);
  return storeSpf(admin_.update(settings), spf);
}

void Routes::remove(std::string_view name) {
  const std::lock_guard lock(mutex_);
  admin_.remove(name);
}

std::vector<RouteView> Routes::list() {
  const std::lock_guard lock(mutex_);
  std::vector<RouteView> views;
  for (const auto& record : admin_.list()) views.push_back(view(record));
  return views;
}

std::optional<RouteView> Routes::show(std::string_view name) {
  const std::lock_guard lock(mutex_);
  const auto record = admin_.find(name);
  if (!record) return std::nullopt;
  return view(*record);
}

std::optional<std::string> Routes::routeFor(const std::string& sender, const std::string& firstRecipient) {
  std::vector<relay::RoutePatterns> table;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& r : admin_.list()) table.push_back(relay::RoutePatterns{r.name, r.senders});
  }
  // The rule delivery follows (relay::RoutedTransport): relay.* is "config" unless a "*" route exists.
  const auto routes = relay::withConfiguredDefault(std::move(table), smarthostConfigured_);
  const auto index = relay::RouteTable(routes).lookup(sender, firstRecipient);
  if (!index) return std::nullopt;
  return routes[*index].name;
}

}  // namespace postern::admin
