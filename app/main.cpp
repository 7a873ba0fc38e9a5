// postern — entry point. Parses the global options, loads and validates the configuration once, then runs
// the server or one administration command. This directory (app/) is the only place that knows every
// module; runServer() in server.cpp builds the whole object graph by hand (STYLE.md §13).
#include <malloc.h>
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/cli_bans.h"
#include "app/healthcheck.h"
#include "app/privileges.h"
#include "app/server.h"
#include "config/config.h"
#include "core/text.h"

namespace {

constexpr const char* kUsage = R"(Usage: postern [--config FILE] [COMMAND]

Postern: authenticated mail submission relay (ports 587 STARTTLS, 465 implicit TLS).

Commands:
  serve                          Run the server (the default command).
  check-config                   Validate the configuration and print the effective settings.
  print-sample-config            Print the commented sample configuration with every default.
  healthcheck                    Ask the server running on this machine whether it is healthy: GET
                                 /healthz on the first admin.listen address (0.0.0.0 is asked at
                                 127.0.0.1, [::] at ::1; the certificate is not verified). With
                                 admin.listen empty: the SMTP submission port must answer 220.
                                 Exit 0 when healthy, 1 otherwise, with one line saying why.
  fix-permissions                As root: give every root-owned file of the data directory to the
                                 service user (after files were copied or edited there as root).
  user add LOGIN                 Create a user (LOGIN is an e-mail address). The password is read from
                                 standard input (asked twice on a terminal); the login is also added as
                                 the user's first sender address.
  user passwd LOGIN              Set a new password (read as for `user add`).
  user enable LOGIN | user disable LOGIN
  user delete LOGIN              Delete a user and the user's sender addresses.
  user list                      List users.
  user show LOGIN                A user, with the sending limits and the use against them.
  user set LOGIN [--messages-per-hour N|default] [--recipients-per-day N|default]
                                 A user's own sending limits (0 = unlimited; default = limits.*).
  user limits                    Users who sent in the last 24 hours, near (80 %) or over a limit.
  address add LOGIN PATTERN      Let LOGIN send as PATTERN: an address (bob@example.org) or a whole
                                 domain (@example.org).
  address remove LOGIN PATTERN
  address list [LOGIN]           List sender addresses (of one user, or of everybody).
  route list | show NAME         Relay routes: which smarthosts each sender's mail goes through.
  route add NAME --smarthost HOST:PORT[,...] [--sender PATTERN]... [--tls MODE] [--auth MODE] ...
  route set NAME [OPTIONS]       Change a route (postern route --help lists the options; secrets
                                 are read from standard input). Changes apply without a restart.
  route remove NAME | route test SENDER
  ban list [--all]               Brute-force bans in force (--all: also ended ones still remembered).
  ban lift KEY                   Lift a ban: KEY is a client address (203.0.113.7, 2001:db8:1:2::/64)
                                 or a login, optionally prefixed addr: or login:.
  ban lift-all                   Lift every ban. A running server notices within 5 seconds.
  queue list                     List queued messages with each recipient's state and last reply.
  queue show ID                  One message in full: envelope, delivery state, headers.
  queue retry [ID]               Attempt delivery now (of one message, or of all).
  queue delete ID                Remove a message without notifying its sender.
  queue log [ID] [--limit N]     The delivery log: every attempt per recipient (newest N, default 50).
  dkim generate DOMAIN [--selector S] [--algorithm rsa|ed25519] [--bits 2048|3072|4096]
                                 Create a DKIM key (pending) and print its TXT record. Default
                                 selector: YYYYMM + r (rsa) or e (ed25519), e.g. 202611r.
  dkim import DOMAIN SELECTOR FILE.pem
                                 Store an existing private key (PEM) as a pending key.
  dkim list [DOMAIN]             List DKIM keys with their state (pending, active, retired).
  dkim activate DOMAIN SELECTOR [--force]
                                 Sign with this key; the domain's active key of the same algorithm
                                 is retired. Its TXT record must be published first (checked
                                 through dns.resolvers) unless --force.
  dkim retire DOMAIN SELECTOR    Stop signing with this key.
  dkim delete DOMAIN SELECTOR [--force]
                                 Delete a key (an active one only with --force).
  dkim dns DOMAIN [SELECTOR]     Print the TXT record(s) to publish, as zone-file lines.
  admin add LOGIN [--role admin|viewer]
                                 Create a web admin account (default role admin; a viewer may only
                                 look). The password is read as for `user add`.
  admin passwd LOGIN             Set a new password; the account's web sessions end.
  admin enable LOGIN | admin disable LOGIN | admin delete LOGIN
  admin role LOGIN admin|viewer  Change an account's role. The last enabled admin cannot be disabled,
                                 demoted or deleted.
  admin list                     List web admin accounts with role, state and last login.
  domain list | domain show DOMAIN | domain check [DOMAIN] | domain add DOMAIN | domain remove DOMAIN
                                 The mail domains, the DNS records each should publish, and their
                                 live check (through dns.resolvers).

Options:
  --config FILE    Configuration file (default: $POSTERN_CONFIG, else none: built-in defaults).
                   Every setting can also be set as an environment variable POSTERN_<KEY>.
  --check-config   Same as the check-config command.
  --help           This text.
  --version        Print the version.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace postern;
  // Everything Postern writes (database with password hashes, spool, keys) is for its own user only.
  ::umask(077);
  // Argon2 allocates auth.argon2.memory_kib per verification. glibc's adaptive mmap threshold would
  // soon serve such blocks from per-thread arenas that never shrink, leaving hundreds of MiB resident
  // after a burst of logins; a fixed threshold keeps large blocks in mmap, returned on free.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto env = config::environmentMap();
  std::string configPath;
  if (auto it = env.find("POSTERN_CONFIG"); it != env.end()) configPath = it->second;

  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (rest.empty() && (a == "--help" || a == "-h" || a == "help")) {
      std::cout << kUsage;
      return app::kExitOk;
    } else if (rest.empty() && a == "--version") {
      std::cout << "postern " << POSTERN_VERSION << "\n";
      return app::kExitOk;
    } else if (rest.empty() && a == "--config") {
      if (++i == args.size()) {
        std::cerr << "postern: --config needs a file name\n";
        return app::kExitUsage;
      }
      configPath = args[i];
    } else if (rest.empty() && a.rfind("--config=", 0) == 0) {
      configPath = a.substr(9);
    } else if (rest.empty() && a == "--check-config") {
      rest.push_back("check-config");
    } else {
      rest.push_back(a);
    }
  }
  const std::string command = rest.empty() ? "serve" : rest.front();
  const std::vector<std::string> commandArgs(rest.empty() ? rest.end() : rest.begin() + 1, rest.end());

  if (command == "print-sample-config") {
    std::cout << config::sampleFile();
    return app::kExitOk;
  }

  const auto loaded = config::load(configPath, env);
  if (!loaded.ok()) {
    std::cerr << "postern: invalid configuration:\n";
    for (const auto& e : loaded.errors) std::cerr << "  " << e << "\n";
    return app::kExitFailure;
  }
  const config::Config& cfg = loaded.config;

  if (command == "check-config") {
    std::cout << "# configuration OK" << (configPath.empty() ? "" : " (" + configPath + ")") << "\n"
              << config::describe(cfg);
    return app::kExitOk;
  }
  if (command == "serve") {
    if (!commandArgs.empty()) {
      std::cerr << "postern: serve takes no arguments\n";
      return app::kExitUsage;
    }
    return app::runServer(cfg);
  }
  if (command == "healthcheck") {
    if (!commandArgs.empty()) {
      std::cerr << "postern: healthcheck takes no arguments\n";
      return app::kExitUsage;
    }
    return app::runHealthcheck(cfg);
  }
  if (command == "fix-permissions") {
    if (!commandArgs.empty()) {
      std::cerr << "postern: fix-permissions takes no arguments\n";
      return app::kExitUsage;
    }
    try {
      const auto report = app::fixDataDirectoryOwnership(cfg);
      std::cout << "gave " << report.handedOver << " entries of " << cfg.dataDir << " to the service user\n";
      for (const auto& left : report.leftAlone) std::cout << "left alone: " << core::printable(left) << "\n";
      return app::kExitOk;
    } catch (const std::exception& e) {
      std::cerr << "postern: " << e.what() << "\n";
      return app::kExitFailure;
    }
  }
  if (command == "user") return app::runUserCommand(cfg, commandArgs);
  if (command == "address") return app::runAddressCommand(cfg, commandArgs);
  if (command == "dkim") return app::runDkimCommand(cfg, commandArgs);
  if (command == "queue") return app::runQueueCommand(cfg, commandArgs);
  if (command == "route") return app::runRouteCommand(cfg, commandArgs);
  if (command == "admin") return app::runAdminCommand(cfg, commandArgs);
  if (command == "domain") return app::runDomainCommand(cfg, commandArgs);
  if (command == "ban") return app::runBanCommand(cfg, commandArgs);
  std::cerr << "postern: unknown command '" << command << "' (see postern --help)\n";
  return app::kExitUsage;
}
