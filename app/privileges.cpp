#include "app/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.h"

namespace postern::app {

namespace {

bool switching(const config::Config& cfg) { return !cfg.runAsUser.empty() && ::geteuid() == 0; }

struct Account {
  uid_t uid;
  gid_t gid;
};

Account lookUp(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || !found) throw core::Error::permanent("user: no such system user '" + name + "'");
  return Account{entry.pw_uid, entry.pw_gid};
}

void chownOrThrow(const std::filesystem::path& path, const Account& account) {
  if (::lchown(path.c_str(), account.uid, account.gid) != 0)
    throw core::Error::permanent("cannot give " + path.string() + " to the configured user: " + std::strerror(errno));
}

}  // namespace

void handOverDataDirectory(const config::Config& cfg) {
  if (!switching(cfg)) return;
  const Account account = lookUp(cfg.runAsUser);
  chownOrThrow(cfg.dataDir, account);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(cfg.dataDir)) chownOrThrow(entry.path(), account);
}

void dropPrivileges(const config::Config& cfg) {
  if (!switching(cfg)) return;
  const Account account = lookUp(cfg.runAsUser);
  // Order matters: supplementary groups and the group while still root, the user last. glibc applies each
  // call to every thread of the process.
  if (::initgroups(cfg.runAsUser.c_str(), account.gid) != 0 || ::setgid(account.gid) != 0 ||
      ::setuid(account.uid) != 0)
    throw core::Error::permanent("cannot switch to user '" + cfg.runAsUser + "': " + std::strerror(errno));
  if (::setuid(0) == 0) throw core::Error::permanent("switched to '" + cfg.runAsUser + "' but could regain root");
}

}  // namespace postern::app
