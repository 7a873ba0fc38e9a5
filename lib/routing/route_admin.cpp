#include "routing/route_admin.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <unistd.h>

#include "core/error.h"
#include "core/text.h"
#include "mail/allowed_senders.h"
#include "vault/master_key_check.h"

namespace postern::routing {
namespace {

using modes::AuthMechanism;
using modes::isOAuth;

std::string binding(std::string_view route, std::string_view field) {
  return "route/" + std::string(route) + "/" + std::string(field);
}

bool validName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '-' || c == '_' || c == '.';
  });
}

bool validHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':';
  });
}

// https://..., or http:// to this machine (a token endpoint stand-in for tests).
bool acceptableTokenUrl(std::string_view url) {
  if (url.rfind("https://", 0) == 0) return url.size() > 8;
  for (const char* local : {"http://127.0.0.1:", "http://127.0.0.1/", "http://[::1]:", "http://localhost:"})
    if (url.rfind(local, 0) == 0) return true;
  return false;
}

[[noreturn]] void invalid(const std::string& what) { throw core::InvalidValue("route: " + what); }

// "unknown tls mode 'ssl'"; the stored text may be anything, and whoever prints it escapes it.
std::string unknownModeError(const store::UnknownMode& u) {
  const std::string what = u.setting == "grant" ? "oauth grant" : u.setting + " mode";
  return "unknown " + what + " '" + u.stored + "'";
}

}  // namespace

RouteAdmin::RouteAdmin(store::RouteRepository& routes, VaultOpener openVault)
    : routes_(routes), openVault_(std::move(openVault)) {}

std::optional<std::pair<std::string, std::uint16_t>> RouteAdmin::parseHost(std::string_view text) {
  text = core::trim(text);
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
    return std::nullopt;
  if (!validHostName(host)) return std::nullopt;
  return std::pair{core::toLowerAscii(host), static_cast<std::uint16_t>(value)};
}

std::optional<std::string> RouteAdmin::normaliseSender(std::string_view pattern) {
  pattern = core::trim(pattern);
  if (pattern == "*") return std::string("*");
  return mail::AllowedSenders::normalisePattern(pattern);
}

store::RouteRecord RouteAdmin::toRecord(const RouteSettings& s,
                                        const std::optional<store::RouteRecord>& existing) {
  if (!validName(s.name)) invalid("name '" + s.name + "' must be 1-64 characters a-z 0-9 . _ -");
  store::RouteRecord r;
  r.name = s.name;
  for (const auto& pattern : s.senders) {
    const auto normal = normaliseSender(pattern);
    if (!normal) invalid("sender '" + pattern + "' must be *, @domain or an address");
    if (std::find(r.senders.begin(), r.senders.end(), *normal) == r.senders.end())
      r.senders.push_back(*normal);
  }
  if (r.senders.empty()) invalid(s.name + ": at least one sender (*, @domain or an address) is needed");
  if (s.hosts.empty()) invalid(s.name + ": at least one smarthost (HOST:PORT) is needed");
  for (const auto& host : s.hosts) {
    const auto parsed = parseHost(host);
    if (!parsed) invalid("smarthost '" + host + "' is not HOST:PORT (IPv6 as [ADDR]:PORT)");
    const bool v6 = parsed->first.find(':') != std::string::npos;
    r.hosts.push_back((v6 ? "[" + parsed->first + "]" : parsed->first) + ":" +
                      std::to_string(parsed->second));
  }
  r.tls = s.tls;
  if (!s.caFile.empty() && s.caFile.front() != '/') invalid("ca file must be an absolute path");
  if (!s.caFile.empty() && ::access(s.caFile.c_str(), R_OK) != 0)
    invalid("ca file " + s.caFile + " cannot be read");
  r.caFile = s.caFile;
  r.auth = s.auth;
  if (s.auth != AuthMechanism::None && s.tls == modes::TlsMode::None)
    invalid(s.name + ": credentials are only sent over TLS (tls = none)");
  if (s.maxConnections < 1 || s.maxConnections > 64) invalid("max connections must be 1 to 64");
  r.maxConnections = s.maxConnections;

  // Secrets: a new value is sealed; nullopt keeps the stored one when the kind of authentication stays.
  std::optional<vault::KeyVault> sealer;
  auto seal = [&](const std::optional<std::string>& plain, std::string_view field,
                  const std::string& stored) -> std::string {
    if (!plain) return stored;
    if (plain->empty()) return {};
    if (!sealer) {
      sealer.emplace(openVault_());
      vault::requireMatchingMasterKey(*sealer, vaultMeta_, vault::SecretAccess::Seal);
    }
    return sealer->seal(*plain, binding(s.name, field));
  };
  const bool sameAuth = existing && existing->auth == s.auth;
  if (s.auth != AuthMechanism::None) {
    if (s.username.empty())
      invalid(s.name + ": auth " + std::string(modes::authModeName(s.auth)) + " needs a user name");
    r.username = s.username;
  }
  if (s.auth == AuthMechanism::Password) {
    r.sealedPassword = seal(s.password, "password", sameAuth ? existing->sealedPassword : "");
    if (r.sealedPassword.empty()) invalid(s.name + ": auth password needs a password");
  }
  if (isOAuth(s.auth)) {
    if (!s.oauthGrant) invalid(s.name + ": OAuth needs a grant: client_credentials or refresh_token");
    if (!acceptableTokenUrl(s.oauthTokenUrl))
      invalid(s.name + ": the token endpoint must be an https:// URL");
    if (s.oauthClientId.empty()) invalid(s.name + ": OAuth needs a client id");
    r.oauthGrant = s.oauthGrant;
    r.oauthTokenUrl = s.oauthTokenUrl;
    r.oauthClientId = s.oauthClientId;
    r.oauthScope = s.oauthScope;
    const bool wasOAuth = existing && isOAuth(existing->auth);
    r.sealedClientSecret =
        seal(s.oauthClientSecret, "client_secret", wasOAuth ? existing->sealedClientSecret : "");
    r.sealedRefreshToken =
        seal(s.oauthRefreshToken, "refresh_token", wasOAuth ? existing->sealedRefreshToken : "");
    if (s.oauthGrant == modes::Grant::ClientCredentials && r.sealedClientSecret.empty())
      invalid(s.name + ": the client_credentials grant needs a client secret");
    if (s.oauthGrant == modes::Grant::RefreshToken && r.sealedRefreshToken.empty())
      invalid(s.name + ": the refresh_token grant needs a refresh token");
  }
  return r;
}

store::RouteRecord RouteAdmin::add(const RouteSettings& settings) {
  return routes_.add(toRecord(settings, std::nullopt));
}

store::RouteRecord RouteAdmin::update(const RouteSettings& settings) {
  const auto existing = routes_.find(settings.name);
  if (!existing) throw core::NotFound("no route " + settings.name);
  // A refresh token not given anew stays as stored, even if the server rotated it since it was read.
  const bool keepRefreshToken =
      !settings.oauthRefreshToken && isOAuth(existing->auth) && isOAuth(settings.auth);
  return routes_.update(toRecord(settings, existing), keepRefreshToken);
}

void RouteAdmin::remove(std::string_view name) { routes_.remove(name); }

std::optional<RouteSettings> RouteAdmin::settingsOf(std::string_view name) {
  const auto r = routes_.find(name);
  if (!r) return std::nullopt;
  return settingsOf(*r);
}

RouteSettings RouteAdmin::settingsOf(const store::RouteRecord& r) {
  RouteSettings s;
  s.name = r.name;
  s.senders = r.senders;
  s.hosts = r.hosts;
  s.tls = r.tls;
  s.caFile = r.caFile;
  s.auth = r.auth;
  s.username = r.username;
  s.oauthGrant = r.oauthGrant;
  s.oauthTokenUrl = r.oauthTokenUrl;
  s.oauthClientId = r.oauthClientId;
  s.oauthScope = r.oauthScope;
  s.maxConnections = r.maxConnections;
  return s;
}

ResolveResult RouteAdmin::resolve() {
  ResolveResult result;
  std::optional<vault::KeyVault> sealer;
  for (const auto& r : routes_.list()) {
    try {
      for (const auto& u : r.unknownModes)
        if (u.setting != "grant" || isOAuth(r.auth)) throw core::Error::permanent(unknownModeError(u));
      ResolvedRoute out;
      out.name = r.name;
      out.senders = r.senders;
      for (const auto& host : r.hosts) {
        const auto parsed = parseHost(host);
        if (!parsed) throw core::InvalidValue("smarthost '" + host + "' is malformed");
        out.hosts.push_back(*parsed);
      }
      out.tls = r.tls;
      out.caFile = r.caFile;
      out.auth = r.auth;
      out.username = r.username;
      out.oauthGrant = r.oauthGrant;
      out.oauthTokenUrl = r.oauthTokenUrl;
      out.oauthClientId = r.oauthClientId;
      out.oauthScope = r.oauthScope;
      out.maxConnections = r.maxConnections;
      out.version = std::to_string(r.version);
      auto open = [&](const std::string& sealed, std::string_view field) -> std::string {
        if (sealed.empty()) return {};
        if (!sealer) {
          sealer.emplace(openVault_());
          vault::requireMatchingMasterKey(*sealer, vaultMeta_, vault::SecretAccess::Open);
        }
        return sealer->open(sealed, binding(r.name, field));
      };
      out.password = open(r.sealedPassword, "password");
      out.oauthClientSecret = open(r.sealedClientSecret, "client_secret");
      out.oauthRefreshToken = open(r.sealedRefreshToken, "refresh_token");
      result.routes.push_back(std::move(out));
    } catch (const std::exception& e) {
      result.unusable.push_back(UnusableRoute{r.name, r.senders, "route " + r.name + ": " + e.what()});
    }
  }
  return result;
}

void RouteAdmin::storeRotatedRefreshToken(std::string_view name, std::string_view refreshToken) {
  const vault::KeyVault sealer = openVault_();
  vault::requireMatchingMasterKey(sealer, vaultMeta_, vault::SecretAccess::Seal);
  routes_.storeRefreshToken(name, sealer.seal(refreshToken, binding(name, "refresh_token")));
}

}  // namespace postern::routing
