// fs::LockFile — an exclusive advisory lock (flock) on a file, held for the object's lifetime and released
// by the kernel when the process dies, however it dies. Postern's one-server-per-data-directory rule:
// the server holds `postern.lock` while it runs, and a command that finds it held knows a server is
// running (its changes must then go through that server).
//
// Must not know: what the lock protects. Thread-safety: one owner, like FileDescriptor.
#pragma once

#include <filesystem>
#include <optional>

#include "fs/file_descriptor.h"

namespace postern::fs {

class LockFile {
 public:
  // The lock, or nullopt when another process holds it (never waits). Creates the file (0600) when
  // missing. Throws core::Error when the file cannot be opened.
  static std::optional<LockFile> tryAcquire(const std::filesystem::path& path);

 private:
  explicit LockFile(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;
};

}  // namespace postern::fs
