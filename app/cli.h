// app CLI — the subcommands of the one `postern` binary. main.cpp parses the global options and calls
// one of these; each returns the process exit code (0 ok, 1 failure, 2 usage error).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "auth/phc_hash.h"
#include "config/config.h"

namespace postern::app {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// `postern user ...` and `postern address ...`: args start after the subcommand word.
int runUserCommand(const config::Config& config, const std::vector<std::string>& args);
int runAddressCommand(const config::Config& config, const std::vector<std::string>& args);
// `postern route ...` (app/cli_routes.cpp).
int runRouteCommand(const config::Config& config, const std::vector<std::string>& args);
// `postern queue ...` (app/cli_queue.cpp).
int runQueueCommand(const config::Config& config, const std::vector<std::string>& args);
// `postern dkim ...` (app/cli_dkim.cpp).
int runDkimCommand(const config::Config& config, const std::vector<std::string>& args);
// `postern admin ...`: the web admin's accounts (app/cli_admin.cpp).
int runAdminCommand(const config::Config& config, const std::vector<std::string>& args);
int runDomainCommand(const config::Config& config, const std::vector<std::string>& args);

// The Argon2id parameters for new password hashes, as configured (server and CLI hash alike).
inline auth::Argon2Params argon2Params(const config::Config& cfg) {
  return auth::Argon2Params{cfg.auth.argon2TimeCost, cfg.auth.argon2MemoryKiB, cfg.auth.argon2Parallelism};
}

// Sets up Poco logging to stderr at the configured level.
void setUpLogging(const std::string& level);

}  // namespace postern::app
