#include "fs/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "fs/file_io.h"

namespace postern::fs {

std::optional<LockFile> LockFile::tryAcquire(const std::filesystem::path& path) {
  FileDescriptor fd = openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  int rc;
  do {
    rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno == EWOULDBLOCK) return std::nullopt;
    throwSystemError(errno, "flock", path);
  }
  return LockFile(std::move(fd));
}

}  // namespace postern::fs
