// `postern ban ...` and the ban list's options as configured (app/cli_bans.cpp): the server and the CLI read
// the same table with the same rule.
#pragma once

#include <string>
#include <vector>

#include "auth/ban_list.h"
#include "config/config.h"

namespace postern::app {

// `postern ban list [--all] | lift KEY | lift-all`; returns the exit code (app/cli.h).
int runBanCommand(const config::Config& config, const std::vector<std::string>& args);
// auth.throttle.*, auth.ban_*, auth.login_ban.* and auth.never_ban as auth::BanOptions.
auth::BanOptions banOptions(const config::Config& cfg);

}  // namespace postern::app
