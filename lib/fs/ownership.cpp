#include "fs/ownership.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "fs/file_io.h"

namespace postern::fs {

namespace {

FileDescriptor openAt(int dirfd, const char* name, int flags) {
  int fd;
  do {
    fd = ::openat(dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW);
  } while (fd < 0 && errno == EINTR);
  return FileDescriptor(fd);
}

// The names in the open directory, read through a duplicate of its descriptor (closedir closes it).
std::vector<std::string> namesIn(int dirfd, const std::string& shown) {
  const int copy = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) throwSystemError(errno, "dup", shown);
  DIR* dir = ::fdopendir(copy);
  if (!dir) {
    const int err = errno;
    ::close(copy);
    throwSystemError(err, "opendir", shown);
  }
  ::rewinddir(dir);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
    errno = 0;
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) throwSystemError(err, "readdir", shown);
  return names;
}

class Walk {
 public:
  Walk(Account to, unsigned maxDepth, dev_t device) : to_(to), maxDepth_(maxDepth), device_(device) {}

  void directory(int dirfd, const std::string& shown, unsigned depth) {
    for (const std::string& name : namesIn(dirfd, shown))
      entry(dirfd, name, shown.empty() ? name : shown + "/" + name, depth);
  }

  HandOverReport report;

 private:
  void leave(const std::string& shown, const std::string& why) {
    report.leftAlone.push_back(shown + ": " + why);
  }

  void entry(int dirfd, const std::string& name, const std::string& shown, unsigned depth) {
    // O_PATH opens the entry itself without reading it (no side effect on a FIFO or a device), and with
    // O_NOFOLLOW a symbolic link yields the link, which fstat then shows for what it is.
    FileDescriptor fd = openAt(dirfd, name.c_str(), O_PATH);
    if (!fd) {
      if (errno != ENOENT) leave(shown, std::string("cannot open: ") + std::strerror(errno));
      return;  // ENOENT: removed meanwhile
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return leave(shown, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISLNK(st.st_mode)) return;  // never followed, never changed: its owner grants nothing
    if (st.st_dev != device_) return leave(shown, "on another filesystem");
    if (st.st_uid != 0) {
      if (st.st_uid != to_.uid) leave(shown, "owned by uid " + std::to_string(st.st_uid));
      if (S_ISDIR(st.st_mode)) descend(dirfd, name, shown, depth, st, false);
      return;
    }
    if (S_ISDIR(st.st_mode)) return descend(dirfd, name, shown, depth, st, true);
    if (!S_ISREG(st.st_mode)) return leave(shown, "not a regular file or directory");
    // A second hard link may be a root file from elsewhere that someone linked in here.
    if (st.st_nlink != 1) return leave(shown, "has " + std::to_string(st.st_nlink) + " hard links");
    if (::fchownat(fd.get(), "", to_.uid, to_.gid, AT_EMPTY_PATH) != 0)
      return leave(shown, std::string("cannot change owner: ") + std::strerror(errno));
    ++report.handedOver;
  }

  // seen: what fstat showed of the entry; the directory opened must be that very one (same device and
  // inode), not one renamed into its place meanwhile.
  void descend(int dirfd, const std::string& name, const std::string& shown, unsigned depth,
               const struct stat& seen, bool take) {
    if (depth + 1 > maxDepth_) return leave(shown, "deeper than " + std::to_string(maxDepth_) + " levels");
    FileDescriptor sub = openAt(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY);
    struct stat st {};
    // Failing here (ELOOP, ENOTDIR) means the entry was swapped for something else after it was looked at.
    if (!sub || ::fstat(sub.get(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_dev != seen.st_dev ||
        st.st_ino != seen.st_ino)
      return leave(shown, "changed while it was being walked");
    if (take) {
      if (st.st_uid != 0) return leave(shown, "changed while it was being walked");
      if (::fchown(sub.get(), to_.uid, to_.gid) != 0)
        return leave(shown, std::string("cannot change owner: ") + std::strerror(errno));
      ++report.handedOver;
    }
    directory(sub.get(), shown, depth + 1);
  }

  const Account to_;
  const unsigned maxDepth_;
  const dev_t device_;
};

}  // namespace

HandOverReport handOverTree(const FileDescriptor& top, Account to, unsigned maxDepth) {
  struct stat st {};
  if (::fstat(top.get(), &st) != 0) throwSystemError(errno, "fstat", "data directory");
  Walk walk(to, maxDepth, st.st_dev);
  if (st.st_uid == 0) {
    if (::fchown(top.get(), to.uid, to.gid) != 0) throwSystemError(errno, "fchown", "data directory");
    ++walk.report.handedOver;
  }
  walk.directory(top.get(), "", 0);
  return walk.report;
}

DirectoryReport preparePrivateDirectory(const std::filesystem::path& path, std::optional<Account> account) {
  DirectoryReport report;
  report.created = ensureDirectory(path, 0700);
  // The top is opened by its path (an administrator may have made it a symbolic link, and its parent is
  // not the service's to change); everything below it only through descriptors.
  FileDescriptor top = openFile(path, O_RDONLY | O_DIRECTORY);
  struct stat st {};
  if (::fstat(top.get(), &st) != 0) throwSystemError(errno, "fstat", path);
  if (account && st.st_uid != account->uid) {
    if (report.created) {
      if (::fchown(top.get(), account->uid, account->gid) != 0) throwSystemError(errno, "fchown", path);
    } else if (st.st_uid == 0) {
      report.handedOver = handOverTree(top, *account);
    } else {
      throw core::Error::permanent("data directory " + path.string() + " belongs to uid " +
                                   std::to_string(st.st_uid) + ", neither root nor the service user (uid " +
                                   std::to_string(account->uid) +
                                   "): give it to the service user or choose another data_dir");
    }
    if (::fstat(top.get(), &st) != 0) throwSystemError(errno, "fstat", path);
  }
  if ((st.st_mode & 077) != 0) {
    if (::fchmod(top.get(), 0700) != 0)
      throw core::Error::permanent("data directory " + path.string() +
                                   " is open to other users and cannot be made private (" +
                                   std::strerror(errno) + ")");
    report.tightened = true;
  }
  report.owner = st.st_uid;
  report.group = st.st_gid;
  return report;
}

}  // namespace postern::fs
