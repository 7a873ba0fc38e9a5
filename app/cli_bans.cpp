// `postern ban ...`: the brute-force ban list from the command line, through admin::Bans, the service the
// web API uses too. The CLI is another process than the server: it changes the database table, and the
// running server re-reads that table every few seconds (auth/ban_list.h), so a lift reaches it within
// that time. Each lift is recorded in the audit log under the operating-system user's name. Keys (a
// login is client-chosen text) are printed through core::printable().

#include <iostream>

#include "admin/audit.h"
#include "admin/bans.h"
#include "app/cli.h"
#include "app/cli_bans.h"
#include "app/cli_support.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/text.h"
#include "store/audit_log_repository.h"
#include "store/ban_repository.h"

namespace postern::app {

auth::BanOptions banOptions(const config::Config& cfg) {
  auth::BanOptions o;
  o.addressFailures = cfg.auth.throttleFailures;
  o.window = cfg.auth.throttleWindow;
  o.loginFailures = cfg.auth.loginBanFailures;
  o.loginMinAddresses = cfg.auth.loginBanAddresses;
  o.banTime = cfg.auth.banTime;
  o.banMaxTime = cfg.auth.banMaxTime;
  o.neverBan = cfg.auth.neverBan;
  return o;
}

namespace {

constexpr const char* kBanUsage =
    "usage: postern ban list [--all] | lift KEY | lift-all\n"
    "       KEY: a client address (203.0.113.7; IPv6 clients are banned by /64: 2001:db8:1:2::/64) or a\n"
    "       login (bob@example.org); prefix addr: or login: when a login looks like an address\n";

using core::printable;

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg),
        repository(database),
        list(repository, core::SystemClock::instance(), banOptions(cfg)),
        bans(list, core::SystemClock::instance()),
        log(database),
        audit(log, core::SystemClock::instance()) {}
  store::BanRepository repository;
  auth::BanList list;
  admin::Bans bans;
  store::AuditLogRepository log;
  admin::Audit audit;
};

int usage(const std::string& why = "") {
  if (!why.empty()) std::cerr << "postern: " << printable(why) << "\n";
  std::cerr << kBanUsage;
  return kExitUsage;
}

}  // namespace

int runBanCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  CommandLine line;
  try {
    line = parseOptions(
        args, 1, {}, verb == "list" ? std::vector<std::string_view>{"all"} : std::vector<std::string_view>{});
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  const std::size_t wanted = verb == "lift" ? 1 : 0;
  if ((verb != "list" && verb != "lift" && verb != "lift-all") || line.positional.size() != wanted)
    return usage();
  std::optional<admin::BanKey> key;
  if (verb == "lift") {
    try {
      key = admin::Bans::parseKey(line.positional[0]);
    } catch (const core::InvalidValue& e) {
      return usage(e.what());
    }
  }

  const std::string actor = operatingSystemUser();
  try {
    Store s(cfg);
    if (verb == "list") {
      const auto bans = s.bans.list(line.has("all"));
      if (bans.empty()) std::cout << "no bans" << (line.has("all") ? "" : " in force") << "\n";
      for (const auto& b : bans)
        std::cout << printable(admin::Bans::keyText(b)) << "\t" << (b.active ? "until " : "ended ")
                  << utcTime(b.until, true) << " UTC\tban " << b.count << "\t" << printable(b.reason) << "\n";
      return kExitOk;
    }
    admin::AuditEntry entry;
    entry.actor = actor;
    entry.action = verb == "lift" ? "ban.lift" : "ban.lift_all";
    entry.object = key ? std::string(auth::banKindName(key->kind)) + ":" + key->key : "";
    const auto record = [&](std::string outcome) {
      entry.outcome = std::move(outcome);
      try {
        s.audit.record(entry);
      } catch (const std::exception& e) {
        std::cerr << "postern: warning: not recorded in the audit log: " << printable(e.what()) << "\n";
      }
    };
    try {
      if (key) {
        s.bans.lift(*key);
        std::cout << "lifted the ban on " << printable(entry.object)
                  << "; a running server lets it log in again within 5 seconds\n";
      } else {
        const auto n = s.bans.liftAll();
        std::cout << "lifted " << n << " bans; a running server notices within 5 seconds\n";
      }
      record(std::string(admin::Audit::kOk));
      return kExitOk;
    } catch (const core::NotFound& e) {
      record("failed: not found");
      std::cerr << "postern: " << printable(e.what()) << "\n";
      return kExitFailure;
    }
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
