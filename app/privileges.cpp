#include "app/privileges.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "fs/file_io.h"

namespace postern::app {

namespace {

std::optional<ServiceAccount> byName(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
    return std::nullopt;
  return ServiceAccount{name, fs::Account{entry.pw_uid, entry.pw_gid}};
}

ServiceAccount byUid(uid_t uid, gid_t gid) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
    return ServiceAccount{entry.pw_name, fs::Account{entry.pw_uid, entry.pw_gid}};
  return ServiceAccount{"uid " + std::to_string(uid), fs::Account{uid, gid}};
}

std::optional<ServiceAccount> configuredAccount(const config::Config& cfg) {
  if (cfg.runAsUser.empty() || ::geteuid() != 0) return std::nullopt;
  auto account = byName(cfg.runAsUser);
  if (!account) throw core::Error::permanent("user: no such system user '" + cfg.runAsUser + "'");
  return account;
}

}  // namespace

PreparedDataDirectory takeDataDirectory(const config::Config& cfg) {
  PreparedDataDirectory prepared;
  prepared.account = configuredAccount(cfg);
  prepared.report = fs::preparePrivateDirectory(
      cfg.dataDir, prepared.account ? std::optional(prepared.account->ids) : std::nullopt);
  // Root without `user`: act as the data's owner, so a command can never leave a root-owned file that the
  // server, running as that owner, could not open.
  if (!prepared.account && ::geteuid() == 0 && prepared.report.owner != 0)
    prepared.account = byUid(prepared.report.owner, prepared.report.group);
  return prepared;
}

fs::HandOverReport fixDataDirectoryOwnership(const config::Config& cfg) {
  if (::geteuid() != 0) throw core::Error::permanent("fix-permissions must run as root");
  const PreparedDataDirectory prepared = takeDataDirectory(cfg);
  if (!prepared.account)
    throw core::Error::permanent(
        "fix-permissions: no service account (set `user`, e.g. POSTERN_USER=postern)");
  if (prepared.report.handedOver) return *prepared.report.handedOver;  // a root-owned top: walked just now
  const fs::FileDescriptor top = fs::openFile(cfg.dataDir, O_RDONLY | O_DIRECTORY);
  return fs::handOverTree(top, prepared.account->ids);
}

void dropPrivileges(const std::optional<ServiceAccount>& account) {
  if (!account || ::geteuid() != 0 || account->ids.uid == 0) return;
  const uid_t uid = account->ids.uid;
  const gid_t gid = account->ids.gid;
  // Order matters: supplementary groups and the group while still root, the user last. glibc applies each
  // call to every thread of the process.
  const bool groups = account->name.rfind("uid ", 0) == 0 ? ::setgroups(0, nullptr) == 0
                                                          : ::initgroups(account->name.c_str(), gid) == 0;
  if (!groups || ::setgid(gid) != 0 || ::setuid(uid) != 0)
    throw core::Error::permanent("cannot switch to user '" + account->name + "': " + std::strerror(errno));
  if (::setuid(0) == 0)
    throw core::Error::permanent("switched to '" + account->name + "' but could regain root");
}

}  // namespace postern::app
