#include "fs/file_descriptor.h"

#include <unistd.h>

#include <cerrno>

#include "fs/file_io.h"

namespace postern::fs {

void FileDescriptor::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

void FileDescriptor::close(const std::filesystem::path& pathForErrors) {
  const int fd = release();
  if (fd < 0) return;
  // Linux releases the descriptor even when close() fails, so it is never retried; EINTR means the close
  // happened and only the flush status is unknown, which the earlier fsync already settled.
  if (::close(fd) != 0 && errno != EINTR) throwSystemError(errno, "close", pathForErrors);
}

}  // namespace postern::fs
