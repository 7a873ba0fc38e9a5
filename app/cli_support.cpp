#include "app/cli_support.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
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

std::string operatingSystemUser() {
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid " + std::to_string(::getuid());
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

bool CommandLine::has(std::string_view name) const {
  return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == name; });
}

std::optional<std::string> CommandLine::value(std::string_view name) const {
  for (auto it = options.rbegin(); it != options.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

std::vector<std::string> CommandLine::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : options)
    if (n == name) out.push_back(v);
  return out;
}

CommandLine parseOptions(const std::vector<std::string>& args, std::size_t first,
                         const std::vector<std::string_view>& valued,
                         const std::vector<std::string_view>& flags) {
  const auto among = [](const std::vector<std::string_view>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  CommandLine line;
  for (std::size_t i = first; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      line.positional.push_back(arg);
      continue;
    }
    const auto equals = arg.find('=');
    const std::string name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    const auto incomplete = [&] { return UsageError("unknown or incomplete option '" + arg + "'"); };
    if (among(flags, name) && equals == std::string::npos) {
      line.options.emplace_back(name, "");
    } else if (!among(valued, name)) {
      throw incomplete();
    } else if (equals != std::string::npos) {
      line.options.emplace_back(name, arg.substr(equals + 1));
    } else {
      if (i + 1 == args.size()) throw incomplete();
      line.options.emplace_back(name, args[++i]);
    }
  }
  return line;
}

}  // namespace postern::app
