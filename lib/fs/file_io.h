// fs file I/O — thin, error-mapping wrappers over the POSIX calls the spool's durability rests on.
//
// Owns: the translation of errno into core errors: ENOSPC and EDQUOT become core::InsufficientStorage
// (the session answers 452 4.3.1), everything else a temporary core::Error naming the operation, the path
// and strerror (DESIGN.md "Errors": unknown is temporary). Must not know: what the files hold.
// Thread-safety: every function is safe to call from any thread; none keeps state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_descriptor.h"

namespace postern::fs {

[[noreturn]] void throwSystemError(int errnum, std::string_view operation, const std::filesystem::path& path);

// open(2) with O_CLOEXEC added; retries EINTR.
FileDescriptor openFile(const std::filesystem::path& path, int flags, mode_t mode = 0600);

// Writes every byte, resuming after EINTR and short writes.
void writeAll(const FileDescriptor& fd, std::string_view bytes, const std::filesystem::path& pathForErrors);

// The whole file as bytes (envelopes and other small files).
std::string readFile(const std::filesystem::path& path);
// The same, or nullopt when the file does not exist (a reader racing a removal is not an error).
std::optional<std::string> readFileIfExists(const std::filesystem::path& path);

// fsync(2): data and metadata (the size matters as much as the bytes).
void fsyncFile(const FileDescriptor& fd, const std::filesystem::path& pathForErrors);

// Makes the directory's entries durable: the creations, renames and unlinks done in it so far.
void syncDirectory(const std::filesystem::path& directory);

// syncfs(2) on the filesystem holding the open file or directory fd: every file's data and metadata and
// every directory entry on it, written so far by anyone, becomes durable. One call instead of an fsync per
// file: the spool's group commit (queue::SpoolOptions::SyncMethod::Filesystem). Linux ≥ 5.8 reports
// write-back errors of any file on the filesystem through it.
void syncFilesystem(const FileDescriptor& fd, const std::filesystem::path& pathForErrors);

// rename(2) within one filesystem; atomic for readers.
void renameFile(const std::filesystem::path& from, const std::filesystem::path& to);

// The same, except that an existing `to` is never replaced: returns false then and leaves both in place.
// renameat2(RENAME_NOREPLACE); where the filesystem lacks it, a check for `to` and rename(2).
bool renameFileNoReplace(const std::filesystem::path& from, const std::filesystem::path& to);

// unlink(2). Returns false when the file did not exist.
bool removeFile(const std::filesystem::path& path);

// mkdir(2) with the given mode when missing; an existing directory is left as it is. Returns true when it
// created the directory. Throws when the path exists but is not a directory.
bool ensureDirectory(const std::filesystem::path& directory, mode_t mode = 0700);

// The names in a directory (no "." or ".."), sorted.
std::vector<std::string> listDirectory(const std::filesystem::path& directory);

// Bytes an unprivileged writer may still use on the filesystem holding path (statvfs f_bavail).
std::uint64_t freeBytes(const std::filesystem::path& path);

}  // namespace postern::fs
