// `postern route ...`: relay routes from the command line, through admin::Routes, the service the web API
// uses too; this file maps options to an admin::RouteChange (the modes parsed here, once, through the one
// spelling table of modes/route_modes.h) and prints. Secrets (password, OAuth client secret, refresh token)
// are read from standard input, never from the command line, and never printed back. A running server
// picks up every change before its next delivery (no restart). Stored settings and names are printed
// through core::printable().
#include <iomanip>
#include <iostream>

#include "admin/routes.h"
#include "app/cli.h"
#include "app/cli_support.h"
#include "app/password_input.h"
#include "app/secrets.h"
#include "core/error.h"
#include "core/text.h"
#include "modes/route_modes.h"
#include "store/route_repository.h"

namespace postern::app {

namespace {

using core::printable;

constexpr const char* kRouteUsage =
    R"(usage: postern route list | show NAME | remove NAME | test SENDER [RECIPIENT]
       postern route add NAME --smarthost HOST:PORT[,HOST:PORT...] [OPTIONS]
       postern route set NAME [OPTIONS]          (only the options given change)
options:
  --sender PATTERN        who uses the route: * (everybody else), @domain, or an address; repeatable
                          (add: default *; set: replaces the list)
  --smarthost LIST        HOST:PORT, comma-separated in failover order
  --tls MODE              starttls (default) | tls | none
  --ca-file FILE          CA certificates for the smarthost (default: the system bundle)
  --auth MODE             none | password | xoauth2 | oauthbearer
  --username NAME         the login (password) or the mailbox the token is for (OAuth)
  --password-stdin        read the password from standard input
  --preset NAME           microsoft365 or google: smarthost, TLS, XOAUTH2, token endpoint, scope, grant
  --tenant ID             Microsoft 365 tenant (directory ID or domain), for --preset microsoft365
  --grant GRANT           client_credentials | refresh_token
  --token-url URL         OAuth token endpoint (https://)
  --client-id ID          OAuth client (application) ID
  --scope SCOPE           OAuth scope
  --client-secret-stdin   read the OAuth client secret from standard input
  --refresh-token-stdin   read the OAuth refresh token from standard input
  --max-connections N     connections kept open to the smarthost (default 4)
  --spf MECHANISMS        what the smarthost's provider asks senders to add to SPF, space-separated
                          include:/ip4:/ip6: (e.g. "include:_spf.example.net"); "" removes it; the
                          microsoft365 and google presets need none
Secrets asked with *-stdin are read one line each, in the order password, client secret, refresh token.
)";

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg),
        routes(database),
        admin(
            routes, [&cfg] { return openVault(cfg, true); }, !cfg.relay.smarthosts.empty()) {}
  store::RouteRepository routes;
  admin::Routes admin;
};

// The options after NAME as a change; nullopt (after printing why) on a usage error or a secret not read.
std::optional<admin::RouteChange> changeOf(const std::vector<std::string>& args) {
  CommandLine line;
  try {
    line = parseOptions(args, 2,
                        {"sender", "smarthost", "tls", "ca-file", "auth", "username", "preset", "tenant",
                         "grant", "token-url", "client-id", "scope", "max-connections", "spf"},
                        {"password-stdin", "client-secret-stdin", "refresh-token-stdin"});
    if (!line.positional.empty())
      throw UsageError("unknown or incomplete option '" + line.positional.front() + "'");
  } catch (const UsageError& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n" << kRouteUsage;
    return std::nullopt;
  }
  admin::RouteChange c;
  c.preset = line.value("preset");
  c.tenant = line.value("tenant").value_or("");
  if (line.has("sender")) c.senders = line.values("sender");
  if (const auto hosts = line.value("smarthost")) c.hosts = core::splitList(*hosts);
  // An unknown spelling is core::InvalidValue naming the option, before any secret is read.
  if (const auto tls = line.value("tls")) c.tls = modes::requireTlsMode(*tls);
  c.caFile = line.value("ca-file");
  if (const auto auth = line.value("auth")) c.auth = modes::requireAuthMode(*auth);
  c.username = line.value("username");
  if (const auto grant = line.value("grant")) c.oauthGrant = modes::requireGrant(*grant);
  c.oauthTokenUrl = line.value("token-url");
  c.oauthClientId = line.value("client-id");
  c.oauthScope = line.value("scope");
  c.spf = line.value("spf");
  if (const auto max = line.value("max-connections")) {
    try {
      c.maxConnections = std::stoi(*max);
    } catch (const std::exception&) {
      std::cerr << "postern: --max-connections needs a number\n";
      return std::nullopt;
    }
  }
  // Asked in this order, one line each (the usage text says so).
  if (line.has("password-stdin") && !(c.password = readSecret("smarthost password"))) return std::nullopt;
  if (line.has("client-secret-stdin") && !(c.oauthClientSecret = readSecret("OAuth client secret")))
    return std::nullopt;
  if (line.has("refresh-token-stdin") && !(c.oauthRefreshToken = readSecret("OAuth refresh token")))
    return std::nullopt;
  return c;
}

// A mode's name; for a stored mode Postern does not know, the stored text (escaped) marked as such.
std::string modeText(const admin::RouteView& r, std::string_view setting, std::string_view name) {
  for (const auto& u : r.unknownModes)
    if (u.setting == setting) return printable(u.stored) + " (unknown: route unusable)";
  return std::string(name);
}

void printRoute(const admin::RouteView& r, bool full) {
  const std::string senders = printable(core::join(r.senders, " "));
  const std::string hosts = printable(core::join(r.hosts, ", "));
  const std::string tls = modeText(r, "tls", modes::tlsModeName(r.tls));
  std::string auth = modeText(r, "auth", modes::authModeName(r.auth));
  if (r.auth != modes::AuthMechanism::None) auth += " as " + printable(r.username);
  if (!full) {
    std::cout << std::left << std::setw(16) << printable(r.name) << std::setw(27) << senders << " " << hosts
              << "  tls=" << tls << "  auth=" << auth << "\n";
    return;
  }
  std::cout << "name:            " << printable(r.name) << "\n"
            << "senders:         " << senders << "\n"
            << "smarthosts:      " << hosts << "\n"
            << "tls:             " << tls << (r.caFile.empty() ? "" : " (CA " + printable(r.caFile) + ")")
            << "\n"
            << "auth:            " << auth << "\n";
  if (!r.spf.empty()) std::cout << "spf:             " << printable(r.spf) << "\n";
  if (r.auth == modes::AuthMechanism::Password)
    std::cout << "password:        " << (r.hasPassword ? "(stored, encrypted)" : "(none)") << "\n";
  if (modes::isOAuth(r.auth)) {
    const std::string_view grant = r.oauthGrant ? modes::grantName(*r.oauthGrant) : "";
    std::cout << "oauth grant:     " << modeText(r, "grant", grant) << "\n"
              << "token endpoint:  " << printable(r.oauthTokenUrl) << "\n"
              << "client id:       " << printable(r.oauthClientId) << "\n"
              << "scope:           " << printable(r.oauthScope) << "\n"
              << "client secret:   " << (r.hasClientSecret ? "(stored, encrypted)" : "(none)") << "\n"
              << "refresh token:   " << (r.hasRefreshToken ? "(stored, encrypted)" : "(none)") << "\n";
  }
  std::cout << "max connections: " << r.maxConnections << "\n"
            << "version:         " << r.version << "\n";
}

}  // namespace

int runRouteCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "list" : args[0];
  const std::size_t n = args.size();
  const bool ok = (verb == "list" && n <= 1) || ((verb == "show" || verb == "remove") && n == 2) ||
                  (verb == "test" && (n == 2 || n == 3)) || ((verb == "add" || verb == "set") && n >= 2);
  if (!ok) {
    std::cerr << kRouteUsage;
    return kExitUsage;
  }
  try {
    Store s(cfg);
    if (verb == "list") {
      const auto routes = s.admin.list();
      for (const auto& r : routes) printRoute(r, false);
      if (routes.empty())
        std::cout << "(no routes: mail goes to relay.smarthost"
                  << (cfg.relay.smarthosts.empty() ? ", which is empty too: mail is held)" : ")") << "\n";
      return kExitOk;
    }
    if (verb == "show") {
      const auto r = s.admin.show(args[1]);
      if (!r) {
        std::cerr << "postern: no route " << printable(args[1]) << "\n";
        return kExitFailure;
      }
      printRoute(*r, true);
      return kExitOk;
    }
    if (verb == "remove") {
      s.admin.remove(args[1]);
      std::cout << "route " << printable(args[1]) << " removed\n";
      return kExitOk;
    }
    if (verb == "test") {
      const std::string sender = args[1] == "<>" ? "" : args[1];
      const auto name = s.admin.routeFor(sender, n == 3 ? args[2] : "");
      if (!name) {
        std::cout << "no route for <" << printable(sender) << ">: its mail would wait in the queue\n";
        return kExitFailure;
      }
      std::cout << "<" << printable(sender) << "> goes through route " << printable(*name) << "\n";
      return kExitOk;
    }
    // As before: an unknown route is said before the options are read.
    if (verb == "set" && !s.admin.show(args[1])) {
      std::cerr << "postern: no route " << printable(args[1]) << "\n";
      return kExitFailure;
    }
    const auto change = changeOf(args);
    if (!change) return kExitUsage;
    printRoute(verb == "add" ? s.admin.add(args[1], *change) : s.admin.set(args[1], *change), true);
    return kExitOk;
  } catch (const core::InvalidValue& e) {
    // An unknown --preset is a usage error, as when the CLI applied presets itself. The field is the
    // option's name (preset, smarthost, spf...), said first so that the message points at what to fix.
    const std::string what = e.what();
    const bool named = e.field().empty() || what.compare(0, e.field().size(), e.field()) == 0;
    const std::string option = named ? "" : "--" + e.field() + ": ";
    std::cerr << "postern: " << printable(option + what) << "\n";
    return e.field() == "preset" ? kExitUsage : kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
