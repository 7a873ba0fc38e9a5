// `postern user ...` and `postern address ...`: user administration from the command line, through the
// same admin::Users the web API uses. Logins and patterns are printed through core::printable().
#include <ctime>
#include <iostream>

#include "admin/sending_limits.h"
#include "admin/users.h"
#include "app/cli.h"
#include "app/cli_support.h"
#include "app/password_input.h"
#include "app/privileges.h"
#include "auth/password_hasher.h"
#include "core/error.h"
#include "core/text.h"
#include "fs/file_io.h"
#include "store/database.h"
#include "store/migration_runner.h"
#include "store/sending_limit_repository.h"
#include "store/user_repository.h"

namespace postern::app {

namespace {

constexpr const char* kUserUsage =
    "usage: postern user add LOGIN | passwd LOGIN | enable LOGIN | disable LOGIN | delete LOGIN | list\n"
    "       postern user show LOGIN | limits\n"
    "       postern user set LOGIN [--messages-per-hour N|default] [--recipients-per-day N|default]\n"
    "       (sending limits: 0 = unlimited, default = limits.* of the configuration)\n";
constexpr const char* kAddressUsage =
    "usage: postern address add LOGIN PATTERN | remove LOGIN PATTERN | list [LOGIN]\n"
    "       PATTERN is an address (bob@example.org) or a whole domain (@example.org)\n";

using core::printable;

// The database with its schema up to date, as the server would open it.
struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg),
        users(database),
        hasher(argon2Params(cfg)),
        admin(users, hasher),
        limitStore(database),
        limits(limitStore, limits::Limits{cfg.limits.messagesPerHour, cfg.limits.recipientsPerDay}, nullptr) {
  }
  store::UserRepository users;
  auth::PasswordHasher hasher;
  admin::Users admin;
  store::SendingLimitRepository limitStore;
  admin::SendingLimits limits;  // no live counter in this process: the use as the server last wrote it
};

// "200 (default)", "unlimited", "50".
std::string limitText(std::uint64_t effective, const std::optional<std::uint64_t>& override) {
  std::string text = effective == 0 ? "unlimited" : std::to_string(effective);
  if (!override) text += " (default)";
  return text;
}

std::string usedText(std::uint64_t used, std::uint64_t limit) {
  return std::to_string(used) + (limit == 0 ? "" : " of " + std::to_string(limit));
}

void printLimits(const admin::SendingLimitsView& v) {
  std::cout << "messages per hour:  " << limitText(v.effective.messagesPerHour, v.overrides.messagesPerHour)
            << "\nrecipients per day: "
            << limitText(v.effective.recipientsPerDay, v.overrides.recipientsPerDay)
            << "\nsent in the last hour:       "
            << usedText(v.usage.messagesLastHour, v.effective.messagesPerHour)
            << " messages\naddressed in the last 24 h:  "
            << usedText(v.usage.recipientsLastDay, v.effective.recipientsPerDay) << " recipients\n";
  if (v.usage.refusalsLastDay)
    std::cout << "refused by a limit in the last 24 h: " << v.usage.refusalsLastDay << " times, last at "
              << utcTime(*v.usage.lastRefusal) << "\n";
  if (!v.live)
    std::cout << "(use as the server last wrote it down, every few seconds; the live count is on the admin "
                 "UI's user page)\n";
}

int setLimits(Store& s, const std::vector<std::string>& args) {
  CommandLine line;
  try {
    line = parseOptions(args, 1, {"messages-per-hour", "recipients-per-day"}, {});
    if (line.positional.size() != 1) throw UsageError("user set takes one LOGIN");
    if (line.options.empty()) throw UsageError("nothing to set");
  } catch (const UsageError& e) {
    std::cerr << "postern: " << e.what() << "\n" << kUserUsage;
    return kExitUsage;
  }
  admin::LimitChange change;
  if (const auto v = line.value("messages-per-hour"))
    change.messagesPerHour = admin::parseLimit(*v, "messagesPerHour");
  if (const auto v = line.value("recipients-per-day"))
    change.recipientsPerDay = admin::parseLimit(*v, "recipientsPerDay");
  const auto view = s.limits.change(line.positional[0], change);
  std::cout << "sending limits of " << printable(view.login) << ":\n";
  printLimits(view);
  std::cout << "(the running server applies them from the next message on)\n";
  return kExitOk;
}

template <typename Body>
int guarded(Body body) {
  try {
    return body();
  } catch (const core::Error& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace

int runUserCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  const bool oneLogin = args.size() == 2 && (verb == "add" || verb == "passwd" || verb == "enable" ||
                                             verb == "disable" || verb == "delete");
  const bool limitCommand = (verb == "show" && args.size() == 2) || (verb == "limits" && args.size() == 1) ||
                            (verb == "set" && args.size() >= 2);
  if (!oneLogin && !limitCommand && !(verb == "list" && args.size() == 1)) {
    std::cerr << kUserUsage;
    return kExitUsage;
  }
  return guarded([&] {
    Store s(cfg);
    if (verb == "set") return setLimits(s, args);
    if (verb == "show") {
      const auto user = s.admin.find(args[1]);
      if (!user) throw core::NotFound("no such user: " + args[1]);
      std::cout << "login:   " << printable(user->login)
                << "\nstate:   " << (user->enabled ? "enabled" : "disabled")
                << "\ncreated: " << utcTime(user->createdAt) << "\nsends as:";
      for (const auto& p : user->addresses) std::cout << " " << printable(p);
      std::cout << "\n";
      printLimits(s.limits.view(user->login));
      return kExitOk;
    }
    if (verb == "limits") {
      const auto active = s.limits.active();
      if (active.empty()) std::cout << "no user has sent anything in the last 24 hours\n";
      for (const auto& v : active)
        std::cout << printable(v.login) << "\t"
                  << usedText(v.usage.messagesLastHour, v.effective.messagesPerHour) << " messages/hour\t"
                  << usedText(v.usage.recipientsLastDay, v.effective.recipientsPerDay) << " recipients/day"
                  << (v.limited ? "\tLIMITED"
                      : v.near  ? "\tnear"
                                : "")
                  << "\n";
      if (!active.empty()) std::cout << "(use as the server last wrote it down, every few seconds)\n";
      return kExitOk;
    }
    if (verb == "list") {
      for (const auto& u : s.admin.list())
        std::cout << printable(u.login) << "\t" << (u.enabled ? "enabled" : "disabled") << "\tcreated "
                  << utcTime(u.createdAt) << "\t" << u.addresses.size() << " sender address"
                  << (u.addresses.size() == 1 ? "" : "es") << "\n";
      return kExitOk;
    }
    const std::string& login = args[1];
    if (verb == "add" || verb == "passwd") {
      // Check the login before asking for a password nobody could use.
      const std::string normal = admin::Users::requireLogin(login);
      const auto password = readNewPassword();
      if (!password) return kExitFailure;
      if (verb == "add") {
        const auto user = s.admin.add(normal, *password);  // with the login as its first sender address
        std::cout << "added " << printable(user.login) << " (may send as " << printable(user.login) << ")\n";
      } else {
        s.admin.setPassword(normal, *password);
        std::cout << "password changed for " << printable(normal) << "\n";
      }
    } else if (verb == "enable") {
      s.admin.setEnabled(login, true);
      std::cout << "enabled " << printable(login) << "\n";
    } else if (verb == "disable") {
      s.admin.setEnabled(login, false);
      std::cout << "disabled " << printable(login) << "\n";
    } else {
      s.admin.remove(login);
      std::cout << "deleted " << printable(login) << "\n";
    }
    return kExitOk;
  });
}

int runAddressCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  const bool valid =
      ((verb == "add" || verb == "remove") && args.size() == 3) || (verb == "list" && args.size() <= 2);
  if (!valid) {
    std::cerr << kAddressUsage;
    return kExitUsage;
  }
  return guarded([&] {
    Store s(cfg);
    if (verb == "list") {
      if (args.size() == 2) {
        for (const auto& p : s.admin.addresses(args[1])) std::cout << printable(p) << "\n";
      } else {
        for (const auto& u : s.admin.list())
          for (const auto& p : u.addresses) std::cout << printable(u.login) << "\t" << printable(p) << "\n";
      }
      return kExitOk;
    }
    if (verb == "add") {
      s.admin.addAddress(args[1], args[2]);
      std::cout << printable(args[1]) << " may now send as " << printable(args[2]) << "\n";
    } else {
      s.admin.removeAddress(args[1], args[2]);
      std::cout << printable(args[1]) << " may no longer send as " << printable(args[2]) << "\n";
    }
    return kExitOk;
  });
}

}  // namespace postern::app
