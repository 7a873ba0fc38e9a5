#include "app/cli_support.h"

#include <ctime>

#include "app/privileges.h"
#include "fs/file_io.h"
#include "store/migration_runner.h"

namespace postern::app {

void prepareDataDirectory(const config::Config& cfg) {
  fs::ensureDirectory(cfg.dataDir, 0700);
  handOverDataDirectory(cfg);
  dropPrivileges(cfg);
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
