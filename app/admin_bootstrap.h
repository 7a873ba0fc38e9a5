// The first web-admin account of a container: at server start, the password from POSTERN_ADMIN_PASSWORD,
// or read from the file POSTERN_ADMIN_PASSWORD_FILE names (a mounted secret; one trailing newline is not
// part of the password), becomes the account "admin" (role admin) when no administrator account exists
// (admin::AdminAccounts::bootstrapFromPassword). The variable wins over the file; an empty value counts
// as unset. The password is never logged, and never printed in any message.
#pragma once

#include <Poco/Logger.h>

#include <map>
#include <string>

#include "admin/admin_accounts.h"

namespace postern::app {

enum class AdminBootstrap {
  Created,          // "admin" was created from the password
  AccountExists,    // an administrator account exists: the password, if any, was not looked at
  NoPassword,       // no account and no password: the web admin needs a setup token (admin::SetupTokens)
  PasswordRefused,  // the file could not be read or the password breaks the policy: logged as an error
};

// env: the process environment (config::environmentMap()). Throws core::Error (temporary) when the store
// or hashing fails.
AdminBootstrap bootstrapFirstAdmin(admin::AdminAccounts& accounts,
                                   const std::map<std::string, std::string>& env, Poco::Logger& logger);

}  // namespace postern::app
