// What every `postern` administration command shares: taking the data directory as the server would (as
// root with `user` set, the command runs as that user, so every file it creates is the server's), the
// database with its schema up to date, UTC times for listings, and the one option parser.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

// The operating-system account running the command ("root", or "uid 1000" without a name), for the
// audit log's actor. Take it before the command becomes the service account (MigratedDatabase drops root).
std::string operatingSystemUser();

// "2026-11-30 20:10" (withSeconds: "2026-11-30 20:10:05"); "-" for the epoch (never).
std::string utcTime(std::chrono::system_clock::time_point t, bool withSeconds = false);

// The command's arguments are not what its usage text allows; what() names the argument at fault
// ("unknown or incomplete option '--colour'"), and the caller prints its usage text.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Arguments split into positional ones and options, each kept in the order given.
struct CommandLine {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // name without "--"; "" for a flag

  bool has(std::string_view name) const;
  std::optional<std::string> value(std::string_view name) const;  // the last one given
  std::vector<std::string> values(std::string_view name) const;   // every one, in order (--sender …)
};

// args[first..]: `--name VALUE` or `--name=VALUE` for a name in `valued` (the next argument is the value
// whatever it looks like), `--name` for a name in `flags`, and anything not starting with "--" positional,
// wherever it stands. Throws UsageError for an unknown option, a flag given a value or a missing value.
CommandLine parseOptions(const std::vector<std::string>& args, std::size_t first,
                         const std::vector<std::string_view>& valued,
                         const std::vector<std::string_view>& flags);

}  // namespace postern::app
