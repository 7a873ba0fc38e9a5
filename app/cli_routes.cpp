// `postern route ...`: relay routes from the command line, through the same routing::RouteAdmin the web UI
// will use. Secrets (password, OAuth client secret, refresh token) are read from standard input, never
// from the command line, and never printed back. A running server picks up every change before its next
// delivery (no restart). Stored settings and names are printed through core::printable().
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "app/cli.h"
#include "app/cli_support.h"
#include "app/password_input.h"
#include "app/privileges.h"
#include "app/routes.h"
#include "app/secrets.h"
#include "core/error.h"
#include "core/text.h"
#include "fs/file_io.h"
#include "oauth/presets.h"
#include "routing/route_admin.h"
#include "store/database.h"
#include "store/migration_runner.h"
#include "store/route_repository.h"

namespace postern::app {

namespace {

using core::printable;

constexpr const char* kRouteUsage = R"(usage: postern route list | show NAME | remove NAME | test SENDER [RECIPIENT]
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
Secrets asked with *-stdin are read one line each, in the order password, client secret, refresh token.
)";

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg), routes(database), admin(routes, [&cfg] { return openVault(cfg, true); }) {}
  store::RouteRepository routes;
  routing::RouteAdmin admin;
};

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  while (!core::trim(text).empty()) {
    const auto comma = text.find(',');
    const std::string item(core::trim(text.substr(0, comma)));
    if (!item.empty()) out.push_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

// Applies the options to settings; returns false (after printing why) on a usage error.
bool applyOptions(const std::vector<std::string>& args, routing::RouteSettings& s, bool adding) {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  std::vector<std::string> senders;
  static const std::set<std::string> kValued = {"--sender",   "--smarthost", "--tls",      "--ca-file",
                                                "--auth",     "--username",  "--preset",   "--tenant",
                                                "--grant",    "--token-url", "--client-id", "--scope",
                                                "--max-connections"};
  static const std::set<std::string> kFlags = {"--password-stdin", "--client-secret-stdin", "--refresh-token-stdin"};
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (kFlags.count(a)) {
      flags.insert(a);
    } else if (kValued.count(a) && i + 1 < args.size()) {
      if (a == "--sender")
        senders.push_back(args[++i]);
      else
        values[a] = args[++i];
    } else {
      std::cerr << "postern: unknown or incomplete option '" << printable(a) << "'\n" << kRouteUsage;
      return false;
    }
  }
  auto has = [&](const char* key) { return values.count(key) > 0; };

  if (has("--preset")) {
    const std::string grantText = has("--grant") ? values["--grant"] : "";
    const oauth::Grant grant =
        grantText == "refresh_token" || (grantText.empty() && core::toLowerAscii(values["--preset"]) == "google")
            ? oauth::Grant::RefreshToken
            : oauth::Grant::ClientCredentials;
    const auto p = oauth::preset(values["--preset"], values["--tenant"], grant);
    if (!p) {
      std::cerr << "postern: unknown preset '" << printable(values["--preset"])
                << "' (known: microsoft365, google)\n";
      return false;
    }
    s.hosts = {p->smarthost};
    s.tls = p->tls;
    s.auth = "xoauth2";
    s.oauthTokenUrl = p->tokenEndpoint;
    s.oauthScope = p->scope;
    s.oauthGrant = std::string(oauth::grantType(p->grant));
  }
  if (!senders.empty()) s.senders = senders;
  if (adding && s.senders.empty()) s.senders = {"*"};
  if (has("--smarthost")) s.hosts = splitList(values["--smarthost"]);
  if (has("--tls")) s.tls = values["--tls"];
  if (has("--ca-file")) s.caFile = values["--ca-file"];
  if (has("--auth")) s.auth = values["--auth"];
  if (has("--username")) s.username = values["--username"];
  if (has("--grant")) s.oauthGrant = values["--grant"];
  if (has("--token-url")) s.oauthTokenUrl = values["--token-url"];
  if (has("--client-id")) s.oauthClientId = values["--client-id"];
  if (has("--scope")) s.oauthScope = values["--scope"];
  if (has("--max-connections")) {
    try {
      s.maxConnections = std::stoi(values["--max-connections"]);
    } catch (const std::exception&) {
      std::cerr << "postern: --max-connections needs a number\n";
      return false;
    }
  }
  if (s.auth == "none") s.username.clear();
  if (flags.count("--password-stdin") && !(s.password = readSecret("smarthost password"))) return false;
  if (flags.count("--client-secret-stdin") && !(s.oauthClientSecret = readSecret("OAuth client secret")))
    return false;
  if (flags.count("--refresh-token-stdin") && !(s.oauthRefreshToken = readSecret("OAuth refresh token")))
    return false;
  return true;
}

void printRoute(const store::RouteRecord& r, bool full) {
  std::string senders;
  for (const auto& p : r.senders) senders += (senders.empty() ? "" : " ") + p;
  senders = printable(senders);
  std::string auth = r.auth;
  if (r.auth != "none") auth += " as " + r.username;
  auth = printable(auth);
  if (!full) {
    std::cout << std::left << std::setw(16) << printable(r.name) << std::setw(27) << senders << " "
              << printable(r.hosts) << "  tls=" << printable(r.tls) << "  auth=" << auth << "\n";
    return;
  }
  std::cout << "name:            " << printable(r.name) << "\n"
            << "senders:         " << senders << "\n"
            << "smarthosts:      " << printable(r.hosts) << "\n"
            << "tls:             " << printable(r.tls)
            << (r.caFile.empty() ? "" : " (CA " + printable(r.caFile) + ")") << "\n"
            << "auth:            " << auth << "\n";
  if (r.auth == "password")
    std::cout << "password:        " << (r.sealedPassword.empty() ? "(none)" : "(stored, encrypted)") << "\n";
  if (r.auth == "xoauth2" || r.auth == "oauthbearer") {
    std::cout << "oauth grant:     " << printable(r.oauthGrant) << "\n"
              << "token endpoint:  " << printable(r.oauthTokenUrl) << "\n"
              << "client id:       " << printable(r.oauthClientId) << "\n"
              << "scope:           " << printable(r.oauthScope) << "\n"
              << "client secret:   " << (r.sealedClientSecret.empty() ? "(none)" : "(stored, encrypted)")
              << "\n"
              << "refresh token:   " << (r.sealedRefreshToken.empty() ? "(none)" : "(stored, encrypted)")
              << "\n";
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
      const auto r = s.admin.find(args[1]);
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
      const std::string name = routeFor(cfg, s.admin, sender, n == 3 ? args[2] : "");
      if (name.empty()) {
        std::cout << "no route for <" << printable(sender) << ">: its mail would wait in the queue\n";
        return kExitFailure;
      }
      std::cout << "<" << printable(sender) << "> goes through route " << printable(name) << "\n";
      return kExitOk;
    }
    routing::RouteSettings settings;
    if (verb == "set") {
      const auto existing = s.admin.settingsOf(args[1]);
      if (!existing) {
        std::cerr << "postern: no route " << printable(args[1]) << "\n";
        return kExitFailure;
      }
      settings = *existing;
    }
    settings.name = args[1];
    if (!applyOptions(args, settings, verb == "add")) return kExitUsage;
    const auto stored = verb == "add" ? s.admin.add(settings) : s.admin.update(settings);
    printRoute(stored, true);
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
