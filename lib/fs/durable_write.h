// fs::writeFileDurably — replace a file so that after a crash it holds the old bytes or the new, never a
// mix, and the new bytes survive once the call returns: chasquid's safeio (temp file in the same
// directory, fsync, rename) plus the directory fsync it leaves out (STYLE.md §6).
//
// Owns: the naming of its temporary files (isTemporaryName), so start-up recovery can sweep the ones a
// crash left behind. Must not know: what the files hold. Thread-safety: safe from any thread; concurrent
// writers of the same path each produce a whole file and the last rename wins.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace postern::fs {

class DirectorySyncer;

// Throws core::Error (core::InsufficientStorage when the disk or quota is full); the temporary file is
// removed on failure and the previous contents of path stay in place.
void writeFileDurably(const std::filesystem::path& path, std::string_view bytes, mode_t mode = 0600);

// The same, with the directory fsync shared through parentSyncer (group commit), whose directory must be
// path's parent.
void writeFileDurably(const std::filesystem::path& path, std::string_view bytes, mode_t mode,
                      DirectorySyncer& parentSyncer);

// True for the names writeFileDurably gives its temporary files (".<name>.tmp-XXXXXX"). Such a file
// outliving its writer is debris from a crash: the rename that would have published it never happened.
bool isTemporaryName(std::string_view filename);

}  // namespace postern::fs
