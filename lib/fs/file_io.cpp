#include "fs/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace postern::fs {

void throwSystemError(int errnum, std::string_view operation, const std::filesystem::path& path) {
  std::string what(operation);
  what += " ";
  what += path.string();
  what += ": ";
  what += std::strerror(errnum);
  // Full disk, exhausted quota and a spool remounted read-only all mean "cannot store mail now": the
  // session answers 452 4.3.1 for each (RFC 3463), and mail already queued is not touched.
  if (errnum == ENOSPC || errnum == EDQUOT || errnum == EROFS) throw core::InsufficientStorage(what);
  throw core::Error::temporary(what);
}

FileDescriptor openFile(const std::filesystem::path& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throwSystemError(errno, "open", path);
  return FileDescriptor(fd);
}

void writeAll(const FileDescriptor& fd, std::string_view bytes, const std::filesystem::path& pathForErrors) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throwSystemError(errno, "write", pathForErrors);
    }
    // write(2) returns 0 for a non-empty request only on devices that cannot take more; a regular file on
    // a full disk reports ENOSPC instead. Treat it as that rather than spinning.
    if (n == 0) throwSystemError(ENOSPC, "write", pathForErrors);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

namespace {

std::string readAll(const FileDescriptor& fd, const std::filesystem::path& path) {
  std::string bytes;
  char chunk[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throwSystemError(errno, "read", path);
    }
    if (n == 0) return bytes;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string readFile(const std::filesystem::path& path) { return readAll(openFile(path, O_RDONLY), path); }

std::optional<std::string> readFileIfExists(const std::filesystem::path& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throwSystemError(errno, "open", path);
  }
  return readAll(FileDescriptor(fd), path);
}

void fsyncFile(const FileDescriptor& fd, const std::filesystem::path& pathForErrors) {
  // No retry after a failure: Linux may drop the dirty pages and report success the second time
  // ("fsyncgate"), so the first error is the only truthful answer.
  if (::fsync(fd.get()) != 0) throwSystemError(errno, "fsync", pathForErrors);
}

void syncDirectory(const std::filesystem::path& directory) {
  const FileDescriptor fd = openFile(directory, O_RDONLY | O_DIRECTORY);
  fsyncFile(fd, directory);
}

void syncFilesystem(const FileDescriptor& fd, const std::filesystem::path& pathForErrors) {
  if (::syncfs(fd.get()) != 0) throwSystemError(errno, "syncfs", pathForErrors);
}

void renameFile(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    throwSystemError(errno, "rename to " + to.string() + " from", from);
  }
}

bool renameFileNoReplace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS) throwSystemError(errno, "rename to " + to.string() + " from", from);
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) return false;
  renameFile(from, to);
  return true;
}

bool removeFile(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throwSystemError(errno, "unlink", path);
}

bool ensureDirectory(const std::filesystem::path& directory, mode_t mode) {
  if (::mkdir(directory.c_str(), mode) == 0) return true;
  const int err = errno;
  struct stat st {};
  if (err == EEXIST && ::stat(directory.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
  throwSystemError(err == EEXIST ? ENOTDIR : err, "mkdir", directory);
}

std::vector<std::string> listDirectory(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) throwSystemError(ec.value(), "list", directory);
  std::sort(names.begin(), names.end());
  return names;
}

std::uint64_t freeBytes(const std::filesystem::path& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) throwSystemError(errno, "statvfs", path);
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

}  // namespace postern::fs
