// `postern user ...` and `postern address ...`: user administration from the command line, through the
// same admin::Users the web API uses. Logins and patterns are printed through core::printable().
#include <ctime>
#include <iostream>

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
#include "store/user_repository.h"

namespace postern::app {

namespace {

constexpr const char* kUserUsage =
    "usage: postern user add LOGIN | passwd LOGIN | enable LOGIN | disable LOGIN | delete LOGIN | list\n";
constexpr const char* kAddressUsage =
    "usage: postern address add LOGIN PATTERN | remove LOGIN PATTERN | list [LOGIN]\n"
    "       PATTERN is an address (bob@example.org) or a whole domain (@example.org)\n";

using core::printable;

// The database with its schema up to date, as the server would open it.
struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg), users(database), hasher(argon2Params(cfg)), admin(users, hasher) {}
  store::UserRepository users;
  auth::PasswordHasher hasher;
  admin::Users admin;
};

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
  if (!oneLogin && !(verb == "list" && args.size() == 1)) {
    std::cerr << kUserUsage;
    return kExitUsage;
  }
  return guarded([&] {
    Store s(cfg);
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
