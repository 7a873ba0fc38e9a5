// fs::FileDescriptor — one POSIX file descriptor, closed exactly once (STYLE.md §5: C handles in RAII).
//
// Owns: the descriptor's lifetime. Must not know: what the file holds or who reads it.
// Thread-safety: like std::unique_ptr — one owner; concurrent use of the descriptor itself follows POSIX.
#pragma once

#include <filesystem>

namespace postern::fs {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() { reset(); }

  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the current descriptor ignoring errors: for abandoning a file whose contents no longer matter.
  void reset(int fd = -1) noexcept;
  // Closes and reports failure: some filesystems (NFS) only report delayed write errors at close.
  // Throws core::Error (core::InsufficientStorage for ENOSPC/EDQUOT) naming pathForErrors.
  void close(const std::filesystem::path& pathForErrors);

 private:
  int fd_ = -1;
};

}  // namespace postern::fs
