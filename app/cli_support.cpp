#include "app/cli_support.h"

#include <ctime>
#include <iostream>

#include "app/privileges.h"
#include "fs/file_io.h"
#include "store/migration_runner.h"

namespace postern::app {

void prepareDataDirectory(const config::Config& cfg) {
  const PreparedDataDirectory prepared = takeDataDirectory(cfg);
  for (const std::string& note : describe(prepared, cfg)) std::cerr << "postern: " << note << "\n";
  dropPrivileges(prepared.account);
}

std::vector<std::string> describe(const PreparedDataDirectory& prepared, const config::Config& cfg) {
  std::vector<std::string> notes;
  const std::string who = prepared.account ? prepared.account->name : "the current user";
  if (prepared.report.created) notes.push_back("created the data directory " + cfg.dataDir + " for " + who);
  if (prepared.report.tightened)
    notes.push_back("data directory " + cfg.dataDir + " was open to other users; it is now private (0700)");
  if (const auto& handed = prepared.report.handedOver) {
    notes.push_back("data directory " + cfg.dataDir + " belonged to root: gave " +
                    std::to_string(handed->handedOver) + " entries to " + who);
    for (const std::string& left : handed->leftAlone) notes.push_back("left alone: " + left);
  }
  return notes;
}

MigratedDatabase::MigratedDatabase(const config::Config& cfg)
    : database((prepareDataDirectory(cfg), cfg.databasePath())) {
  store::MigrationRunner(database).run();
}

std::string utcTime(std::chrono::system_clock::time_point t, bool withSeconds) {
  if (t.time_since_epoch().count() == 0) return "-";
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, withSeconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace postern::app
