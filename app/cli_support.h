// What every `postern` administration command shares: taking the data directory as the server would (as
// root with `user` set, the command runs as that user, so every file it creates is the server's), the
// database with its schema up to date, and UTC times for listings.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/privileges.h"
#include "config/config.h"
#include "store/database.h"

namespace postern::app {

// takeDataDirectory() (created, made private, handed over on a first start as root), then becomes the
// service account (app/privileges.h); what changed is said on standard error.
void prepareDataDirectory(const config::Config& cfg);

// One sentence per change takeDataDirectory() made, for the log or the terminal.
std::vector<std::string> describe(const PreparedDataDirectory& prepared, const config::Config& cfg);

// prepareDataDirectory(), then the database, migrated: the base of each command's store.
struct MigratedDatabase {
  explicit MigratedDatabase(const config::Config& cfg);
  store::Database database;
};

// "2026-11-30 20:10" (withSeconds: "2026-11-30 20:10:05"); "-" for the epoch (never).
std::string utcTime(std::chrono::system_clock::time_point t, bool withSeconds = false);

}  // namespace postern::app
