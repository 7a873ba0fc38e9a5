#include "fs/durable_write.h"

#include <fcntl.h>
#include <stdlib.h>  // mkostemp (glibc, _GNU_SOURCE)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <stdexcept>
#include <string>

#include "fs/directory_syncer.h"
#include "fs/file_descriptor.h"
#include "fs/file_io.h"

namespace postern::fs {
namespace {

constexpr std::string_view kTemporaryMarker = ".tmp-";
constexpr std::size_t kRandomSuffixLength = 6;  // mkostemp's XXXXXX

std::filesystem::path parentOf(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

void writeThenRename(const std::filesystem::path& path, std::string_view bytes, mode_t mode,
                     const std::function<void()>& syncParent) {
  const auto directory = parentOf(path);
  std::string pattern =
      (directory / ("." + path.filename().string() + std::string(kTemporaryMarker) + "XXXXXX")).string();
  const int rawFd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (rawFd < 0) throwSystemError(errno, "create temporary file in", directory);
  FileDescriptor fd(rawFd);
  const std::filesystem::path temporary(pattern);
  try {
    if (::fchmod(fd.get(), mode) != 0) throwSystemError(errno, "fchmod", temporary);
    writeAll(fd, bytes, temporary);
    fsyncFile(fd, temporary);
    fd.close(temporary);
    renameFile(temporary, path);
  } catch (...) {
    fd.reset();
    ::unlink(temporary.c_str());
    throw;
  }
  syncParent();
}

}  // namespace

void writeFileDurably(const std::filesystem::path& path, std::string_view bytes, mode_t mode) {
  writeThenRename(path, bytes, mode, [&] { syncDirectory(parentOf(path)); });
}

void writeFileDurably(const std::filesystem::path& path, std::string_view bytes, mode_t mode,
                      DirectorySyncer& parentSyncer) {
  if (parentOf(path) != parentSyncer.directory()) {
    throw std::invalid_argument("writeFileDurably: " + path.string() + " is not in " +
                                parentSyncer.directory().string());
  }
  writeThenRename(path, bytes, mode, [&] { parentSyncer.sync(); });
}

bool isTemporaryName(std::string_view filename) {
  if (filename.size() < 2 + kTemporaryMarker.size() + kRandomSuffixLength || filename.front() != '.') {
    return false;
  }
  const auto marker = filename.size() - kRandomSuffixLength - kTemporaryMarker.size();
  return filename.substr(marker, kTemporaryMarker.size()) == kTemporaryMarker;
}

}  // namespace postern::fs
