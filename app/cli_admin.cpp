// `postern admin ...`: the web admin's accounts from the command line, through the same admin::AdminAccounts
// the web API uses. Each change is recorded in the audit log under the name of the operating-system user
// who ran the command (no client address), with its outcome. Logins are printed through core::printable().

#include <iostream>

#include "admin/admin_accounts.h"
#include "admin/admin_totp.h"
#include "admin/audit.h"
#include "app/cli.h"
#include "app/cli_support.h"
#include "app/password_input.h"
#include "app/secrets.h"
#include "auth/password_hasher.h"
#include "core/error.h"
#include "core/text.h"
#include "store/admin_account_repository.h"
#include "store/admin_totp_repository.h"
#include "store/audit_log_repository.h"

namespace postern::app {

namespace {

constexpr const char* kAdminUsage =
    "usage: postern admin add LOGIN [--role admin|viewer] | passwd LOGIN | enable LOGIN | disable LOGIN\n"
    "                   | delete LOGIN | role LOGIN admin|viewer | reset-totp LOGIN | list\n"
    "       reset-totp: removes the account's second factor (a lost phone); it signs in with its password\n"
    "       LOGIN: 1-64 characters of a-z, 0-9, '.', '_', '@', '-' (an e-mail address will do)\n";

using core::printable;

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg),
        accountStore(database),
        hasher(argon2Params(cfg)),
        accounts(accountStore, hasher),
        totpStore(database),
        // A reset opens no secret; the vault is named only because the service can (enrollment).
        totp(
            totpStore, accountStore, hasher, [&cfg] { return openVault(cfg, false); },
            core::SystemClock::instance(), cfg.hostname),
        log(database),
        audit(log, core::SystemClock::instance()) {}
  store::AdminAccountRepository accountStore;
  auth::PasswordHasher hasher;
  admin::AdminAccounts accounts;
  store::AdminTotpRepository totpStore;
  admin::AdminTotp totp;
  store::AuditLogRepository log;
  admin::Audit audit;
};

int usage(const std::string& why = "") {
  if (!why.empty()) std::cerr << "postern: " << printable(why) << "\n";
  std::cerr << kAdminUsage;
  return kExitUsage;
}

}  // namespace

int runAdminCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  CommandLine line;
  try {
    line = parseOptions(
        args, 1, verb == "add" ? std::vector<std::string_view>{"role"} : std::vector<std::string_view>{}, {});
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  const std::size_t wanted = verb == "list" ? 0 : verb == "role" ? 2 : 1;
  const bool known = verb == "add" || verb == "passwd" || verb == "enable" || verb == "disable" ||
                     verb == "delete" || verb == "role" || verb == "list" || verb == "reset-totp";
  if (!known || line.positional.size() != wanted) return usage();
  std::optional<admin::AdminRole> role;
  try {
    if (verb == "add") role = admin::AdminAccounts::requireRole(line.value("role").value_or("admin"));
    if (verb == "role") role = admin::AdminAccounts::requireRole(line.positional[1]);
  } catch (const core::InvalidValue& e) {
    return usage(e.what());
  }

  const std::string actor = operatingSystemUser();
  try {
    Store s(cfg);
    if (verb == "list") {
      for (const auto& a : s.accounts.list())
        std::cout << printable(a.login) << "\t" << admin::adminRoleName(a.role) << "\t"
                  << (a.enabled ? "enabled" : "disabled") << "\tcreated " << utcTime(a.createdAt)
                  << "\tlast login " << (a.lastLoginAt ? utcTime(*a.lastLoginAt) : "never") << "\n";
      return kExitOk;
    }

    // Check the login before asking for a password nobody could use.
    const std::string login = admin::AdminAccounts::requireLogin(line.positional[0]);
    std::optional<std::string> password;
    if (verb == "add" || verb == "passwd") {
      password = readNewPassword();
      if (!password) return kExitFailure;
    }
    admin::AuditEntry entry;
    entry.actor = actor;
    entry.action = verb == "reset-totp" ? "admin.totp.reset" : "admin." + verb;
    entry.object = role ? login + " (" + std::string(admin::adminRoleName(*role)) + ")" : login;
    // Recorded with the outcome either way; a log that cannot be written does not undo the change.
    const auto record = [&](std::string outcome) {
      entry.outcome = std::move(outcome);
      try {
        s.audit.record(entry);
      } catch (const std::exception& e) {
        std::cerr << "postern: warning: not recorded in the audit log: " << printable(e.what()) << "\n";
      }
    };
    try {
      if (verb == "add") {
        const auto added = s.accounts.add(login, *password, *role);
        std::cout << "added " << printable(added.login) << " (role " << admin::adminRoleName(added.role)
                  << ")\n";
      } else if (verb == "passwd") {
        s.accounts.setPassword(login, *password);
        std::cout << "password changed for " << printable(login) << "; its web sessions ended\n";
      } else if (verb == "enable" || verb == "disable") {
        s.accounts.setEnabled(login, verb == "enable");
        std::cout << verb << "d " << printable(login) << "\n";
      } else if (verb == "reset-totp") {
        if (!s.totp.reset(login)) throw core::NotFound(login + " has no second factor");
        std::cout << "second factor removed for " << printable(login)
                  << "; it signs in with its password (and sets up a new one if the server requires it)\n";
      } else if (verb == "delete") {
        s.accounts.remove(login);
        std::cout << "deleted " << printable(login) << "\n";
      } else {
        s.accounts.setRole(login, *role);
        std::cout << printable(login) << " now has role " << admin::adminRoleName(*role) << "\n";
      }
    } catch (const core::Error& e) {
      record(admin::Audit::failed(e.what()));
      throw;
    }
    record(std::string(admin::Audit::kOk));
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
