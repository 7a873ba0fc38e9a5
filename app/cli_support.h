// What every `postern` administration command shares: taking the data directory as the server would (as
// root with `user` set, the command runs as that user, so every file it creates is the server's), the
// database with its schema up to date, and UTC times for listings.
#pragma once

#include <chrono>
#include <string>

#include "config/config.h"
#include "store/database.h"

namespace postern::app {

// Creates the data directory if needed, hands it to the configured user and becomes that user.
void prepareDataDirectory(const config::Config& cfg);

// prepareDataDirectory(), then the database, migrated: the base of each command's store.
struct MigratedDatabase {
  explicit MigratedDatabase(const config::Config& cfg);
  store::Database database;
};

// "2026-11-30 20:10" (withSeconds: "2026-11-30 20:10:05"); "-" for the epoch (never).
std::string utcTime(std::chrono::system_clock::time_point t, bool withSeconds = false);

}  // namespace postern::app
